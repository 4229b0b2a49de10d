import pytest
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from chassis.config import ServiceConfig
from chassis.http.app_factory import create_service_app
from chassis.http.content_type import accepts_multipart
from chassis.testing.tokens import TokenFactory
from chassis.tokens import current_principal, require_auth


class NoteIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=20))
    pages = fields.Integer(load_default=1)


@pytest.fixture(scope="session")
def tokens():
    return TokenFactory()


@pytest.fixture()
def demo_app(tokens, tmp_path):
    config = ServiceConfig.from_env("demo", database_url=f"sqlite:///{tmp_path / 'demo.db'}", max_content_length=2048)
    service = create_service_app(config, title="Demo", token_verifier=tokens.verifier())
    blp = Blueprint("notes", __name__)

    @blp.route("/notes", methods=["POST"])
    @require_auth("trainer")
    @blp.arguments(NoteIn)
    @blp.response(201, NoteIn)
    def create_note(note):
        return note

    @blp.route("/whoami")
    @require_auth()
    def whoami():
        principal = current_principal()
        return {"user_id": principal.user_id, "roles": list(principal.roles)}

    @blp.route("/upload", methods=["POST"])
    @accepts_multipart
    def upload():
        return {"ok": True}

    @blp.route("/boom")
    def boom():
        raise RuntimeError("secret internals at /srv/app.py line 3")

    service.api.register_blueprint(blp)
    return service.app


@pytest.fixture()
def client(demo_app):
    return demo_app.test_client()
