"""Every error a service returns has the contract's body; no stack trace reaches a client."""
import io


def test_missing_field_is_422_with_field_errors(client, tokens):
    response = client.post("/notes", json={}, headers=tokens.headers("u1", ["trainer"]))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert error["fields"] == {"title": ["Champ obligatoire."]}  # no Accept-Language: French


def test_field_errors_and_message_are_in_the_callers_language(client, tokens):
    response = client.post("/notes", json={"title": 3, "extra": 1},
                           headers={**tokens.headers("u1", ["trainer"]), "Accept-Language": "en-CA,en;q=0.8"})
    assert response.status_code == 422 and response.headers["Content-Language"] == "en"
    error = response.get_json()["error"]
    assert error["message"] == "Some fields are invalid."
    assert error["fields"] == {"title": ["Not a valid string."], "extra": ["Unknown field."]}


def test_wrong_type_and_unknown_field_are_reported_per_field(client, tokens):
    response = client.post("/notes", json={"title": 3, "extra": 1}, headers=tokens.headers("u1", ["trainer"]))
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"title", "extra"}


def test_malformed_json_is_400(client, tokens):
    response = client.post("/notes", data="{nope", content_type="application/json",
                           headers=tokens.headers("u1", ["trainer"]))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_wrong_content_type_is_415(client, tokens):
    response = client.post("/notes", data="title=x", content_type="application/x-www-form-urlencoded",
                           headers=tokens.headers("u1", ["trainer"]))
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"


def test_multipart_view_accepts_files_and_refuses_json(client):
    ok = client.post("/upload", data={"file": (io.BytesIO(b"a;b"), "p.csv")}, content_type="multipart/form-data")
    assert ok.status_code == 200
    refused = client.post("/upload", json={"a": 1})
    assert refused.status_code == 415


def test_oversize_body_is_413(client, tokens):
    response = client.post("/notes", json={"title": "x" * 5000}, headers=tokens.headers("u1", ["trainer"]))
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_unknown_path_and_method_are_json(client):
    assert client.get("/nowhere").get_json()["error"]["code"] == "not_found"
    response = client.delete("/notes")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_unexpected_exception_is_a_generic_500_without_internals(client):
    response = client.get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret internals" not in body and "Traceback" not in body
    assert response.get_json()["error"]["code"] == "internal_error"


def test_database_down_is_503_with_retry_after(tokens):
    from flask_smorest import Blueprint

    from chassis.config import ServiceConfig
    from chassis.http.app_factory import create_service_app

    config = ServiceConfig.from_env("demo", database_url="postgresql://nobody@127.0.0.1:1/none")
    service = create_service_app(config, title="Demo", token_verifier=tokens.verifier())
    blp = Blueprint("rows", __name__)

    @blp.route("/rows")
    def rows():
        with service.db.reading() as session:
            session.connection()
        return {}

    service.api.register_blueprint(blp)
    response = service.app.test_client().get("/rows")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.get_json()["error"]["code"] == "unavailable"


def test_nul_characters_are_refused_in_bodies_and_query_strings(client, tokens):
    body = client.post("/notes", json={"title": "a\x00b"}, headers=tokens.headers("u1", ["trainer"]))
    assert body.status_code == 422
    assert body.get_json()["error"]["fields"] == {
        "title": ["Caractère nul interdit."]}
    query = client.get("/whoami?q=a%00b", headers=tokens.headers("u1", ["trainer"]))
    assert query.status_code == 422 and "q" in query.get_json()["error"]["fields"]
