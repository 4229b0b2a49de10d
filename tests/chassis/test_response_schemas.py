"""``chassis.response_schemas``: a response schema that inherits a piece answers and documents the piece's fields
with its own, may redocument one of them, and the piece itself is never a component of an OpenAPI document."""
from __future__ import annotations

import pytest
from flask_smorest import Blueprint
from marshmallow import fields

from chassis.config import ServiceConfig
from chassis.http.app_factory import create_service_app
from chassis.response_schemas import PersonFields, PostalAddressFields
from tests.chassis.test_api_docs import SERVICES, document

PIECES = {"PersonNameFields", "PersonFields", "PostalAddressFields", "AuditEntryFields"}


class Recipient(PersonFields, PostalAddressFields):
    id = fields.String()
    email = fields.String(metadata={"description": "masked for some callers"})


def test_a_schema_answers_and_documents_the_fields_of_its_pieces_with_its_own(tokens, tmp_path):
    config = ServiceConfig.from_env("demo", database_url=f"sqlite:///{tmp_path / 'demo.db'}")
    service = create_service_app(config, title="Demo", token_verifier=tokens.verifier())
    blp = Blueprint("recipients", __name__)
    shown = {"id": "u1", "first_name": "Léa", "last_name": "Roy", "email": "l***@exemple.ca",
             "address": "1 rue Principale", "city": "Montréal", "postal_code": "H2X 1Y4"}

    @blp.route("/recipient", methods=["GET"])
    @blp.response(200, Recipient)
    def recipient():
        return {**shown, "password_hash": "never answered"}

    service.api.register_blueprint(blp)
    client = service.app.test_client()

    assert client.get("/recipient").get_json() == shown
    components = client.get("/openapi.json").get_json()["components"]["schemas"]
    properties = components["Recipient"]["properties"]
    assert set(properties) == set(shown)
    assert properties["first_name"] == properties["postal_code"] == {"type": "string"}
    assert properties["email"] == {"type": "string", "description": "masked for some callers"}
    assert PIECES.isdisjoint(components)


@pytest.mark.parametrize("service", SERVICES)
def test_no_service_documents_a_piece_on_its_own(service):
    assert PIECES.isdisjoint(document(service)["components"]["schemas"])


@pytest.mark.parametrize(("service", "component"), [
    ("auth", "Profile"), ("auth", "DirectoryEntry"), ("cards", "PersonOut"), ("productions", "UserOut"),
    ("productions", "AdminOut"), ("productions", "AccessOut"), ("productions", "_HandoffUser")])
def test_every_service_shows_a_person_by_the_same_three_strings(service, component):
    properties = document(service)["components"]["schemas"][component]["properties"]
    assert {name: properties[name]["type"] for name in ("first_name", "last_name", "email")} == dict.fromkeys(
        ("first_name", "last_name", "email"), "string")
