"""Every service's OpenAPI document says where it is served and names every operation, and its Swagger UI
page is served by the service itself: pinned files, relative URLs, no outside address, a strict CSP."""
from __future__ import annotations

import functools
import hashlib
import importlib
import re

import pytest
from cryptography.fernet import Fernet
from flask_smorest import Blueprint

from chassis.config import ServiceConfig
from chassis.db import Database
from chassis.http.api_docs import DOCS_CSP, SWAGGER_UI_FOLDER, SWAGGER_UI_SHA256, SWAGGER_UI_VERSION
from chassis.http.app_factory import create_service_app
from chassis.testing.tokens import TokenFactory

SERVICES = ("auth", "cards", "billing", "productions", "notifier")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
OPERATION_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@functools.cache
def service_app(service: str):
    """The service's real app on an unused in-memory database (apps connect lazily)."""
    extra = {"SECRET_KEY": Fernet.generate_key().decode(), "SMTP_HOST": ""} if service == "notifier" else {}
    config = ServiceConfig.from_env(service, database_url="sqlite://", public_base_url="https://guichet.exemple.ca",
                                    extra=extra)
    module = importlib.import_module(f"services.{service}.app")
    return module.create_app(config, db=Database("sqlite://"), token_verifier=TokenFactory().verifier())


def document(service: str) -> dict:
    response = service_app(service).test_client().get("/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def operations(doc: dict) -> list[tuple[str, str, dict]]:
    return [(method.upper(), path, operation) for path, item in doc["paths"].items()
            for method, operation in item.items() if method in HTTP_METHODS]


@pytest.mark.parametrize("service", SERVICES)
def test_each_document_is_served_under_its_gateway_prefix(service):
    assert document(service)["servers"] == [{"url": f"/api/{service}"}]


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_has_a_readable_operation_id_unique_in_its_document(service):
    found = operations(document(service))
    assert found, f"{service} documents no operation"
    missing = [f"{method} {path}" for method, path, operation in found if not operation.get("operationId")]
    assert missing == []
    ids = [operation["operationId"] for _, _, operation in found]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert [i for i in ids if not OPERATION_ID.match(i)] == []


def ids_by_route(service: str) -> dict[str, str]:
    return {f"{method} {path}": operation["operationId"] for method, path, operation in operations(document(service))}


def test_operation_ids_come_from_the_view_names():
    by_route = ids_by_route("cards")
    # A function view keeps its name; a class-based view gives <method>_<class name in snake case>.
    assert by_route["POST /sessions/{session_id}/submit"] == "submit_session"
    assert by_route["GET /sessions"] == "get_sessions"
    assert by_route["PATCH /sessions/{session_id}"] == "patch_session_item"
    assert ids_by_route("auth")["POST /login"] == "login"


def test_two_views_with_one_name_fail_when_the_app_is_built(tokens, tmp_path):
    config = ServiceConfig.from_env("demo", database_url=f"sqlite:///{tmp_path / 'demo.db'}")
    service = create_service_app(config, title="Demo", token_verifier=tokens.verifier())
    first, second = Blueprint("first", __name__), Blueprint("second", __name__)

    @first.route("/a", methods=["GET"])
    @first.response(200)
    def listing():
        return {}

    @second.route("/b", methods=["GET"])
    @second.response(200)
    def listing():  # noqa: F811 - the clash is the point
        return {}

    service.api.register_blueprint(first)
    with pytest.raises(ValueError, match="operationId 'listing' of GET /b"):
        service.api.register_blueprint(second)


def test_a_view_may_name_its_own_operation(tokens, tmp_path):
    config = ServiceConfig.from_env("demo", database_url=f"sqlite:///{tmp_path / 'demo.db'}")
    service = create_service_app(config, title="Demo", token_verifier=tokens.verifier())
    blp = Blueprint("named", __name__)

    @blp.route("/c", methods=["GET"])
    @blp.doc(operationId="readCees")
    @blp.response(200)
    def view():
        return {}

    service.api.register_blueprint(blp)
    doc = service.app.test_client().get("/openapi.json").get_json()
    assert doc["paths"]["/c"]["get"]["operationId"] == "readCees"
    assert doc["servers"] == [{"url": "/api/demo"}]


@pytest.mark.parametrize(("path", "base"), [("/docs", ""), ("/docs/", "../")])
def test_the_docs_page_uses_relative_urls_only(path, base):
    """Relative to the page, so that /api/cards/docs through the gateway (which strips /api/cards) and
    /docs on the service both find the files and the document."""
    response = service_app("cards").test_client().get(path)

    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.headers["Content-Security-Policy"] == DOCS_CSP
    page = response.get_data(as_text=True)
    urls = re.findall(r'(?:src|href|data-spec-url)="([^"]*)"', page)
    assert sorted(urls) == sorted([f"{base}docs/assets/swagger-ui.css", f"{base}docs/assets/swagger-ui-bundle.js",
                                   f"{base}docs/assets/guichet-swagger-ui.js", f"{base}openapi.json",
                                   f"{base}openapi.json"])
    assert "<title>Guichet — Cards</title>" in page
    assert "//" not in "".join(urls) and "cdn" not in page.lower()
    assert "<script>" not in page  # no inline script: the CSP allows none


def test_the_page_policy_allows_nothing_from_elsewhere():
    directives = dict(part.strip().split(" ", 1) for part in DOCS_CSP.split(";"))
    assert directives["default-src"] == "'none'"
    for name in ("script-src", "style-src", "connect-src", "font-src"):
        assert directives[name] == "'self'", name
    assert "unsafe-inline" not in DOCS_CSP and "unsafe-eval" not in DOCS_CSP and "http" not in DOCS_CSP


@pytest.mark.parametrize("name", sorted(SWAGGER_UI_SHA256))
def test_each_swagger_ui_file_is_served_by_the_service(name):
    response = service_app("billing").test_client().get(f"/docs/assets/{name}")

    assert response.status_code == 200
    assert response.data == (SWAGGER_UI_FOLDER / name).read_bytes()
    assert response.mimetype in ("text/css", "text/javascript", "application/javascript")


def test_only_the_listed_files_are_served():
    client = service_app("billing").test_client()
    for name in ("LICENSE", "..%2Fapi_docs.py", "nothing.js"):
        assert client.get(f"/docs/assets/{name}").status_code == 404, name


def test_the_copy_is_the_pinned_release_untouched():
    assert re.fullmatch(r"\d+\.\d+\.\d+", SWAGGER_UI_VERSION)
    for name, digest in SWAGGER_UI_SHA256.items():
        if digest is not None:
            assert hashlib.sha256((SWAGGER_UI_FOLDER / name).read_bytes()).hexdigest() == digest, name
    assert (SWAGGER_UI_FOLDER / "LICENSE").exists() and (SWAGGER_UI_FOLDER / "NOTICE").exists()


def test_the_start_up_script_turns_the_outside_validator_off():
    script = (SWAGGER_UI_FOLDER / "guichet-swagger-ui.js").read_text()
    assert "validatorUrl: null" in script
    assert "://" not in script
