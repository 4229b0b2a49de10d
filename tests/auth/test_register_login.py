"""Registration (P1) and login (C1, P2): happy paths, bad input, identical failures."""
import jwt
import pytest

from tests.auth.conftest import PASSWORD, bearer, login, outbox_events, register, unique_email

REGISTER_FIELDS = {"first_name", "last_name", "email", "email_confirmation", "password", "password_confirmation"}


def _register_body(**overrides):
    email = unique_email()
    body = {"first_name": "Marie", "last_name": "Tremblay", "email": email, "email_confirmation": email,
            "password": PASSWORD, "password_confirmation": PASSWORD}
    body.update(overrides)
    return body


def test_register_creates_a_member_and_emits_user_registered(client, db):
    user = register(client, first_name="  Émilie ", language="en")
    assert user["roles"] == ["member"]
    assert user["first_name"] == "Émilie" and user["language"] == "en"
    assert user["username"] is None and user["must_change_password"] is False
    [event] = outbox_events(db, "auth.user_registered", user_id=user["id"])
    assert event["payload"]["email"] == user["email"] and event["_sensitive"] is False
    assert "password" not in str(event["payload"]).lower()


def test_register_refuses_a_duplicate_email_whatever_its_case(client):
    user = register(client)
    body = _register_body(email=user["email"].upper(), email_confirmation=user["email"].upper())
    response = client.post("/register", json=body)
    assert response.status_code == 409
    assert "email" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("overrides, field", [
    ({"email_confirmation": "other@example.org"}, "email_confirmation"),
    ({"password_confirmation": "another-password-1"}, "password_confirmation"),
    ({"password": "short", "password_confirmation": "short"}, "password"),
    ({"email": "not-an-email", "email_confirmation": "not-an-email"}, "email"),
    ({"first_name": 42}, "first_name"),
    ({"first_name": "   "}, "first_name"),
    ({"language": "de"}, "language"),
    ({"role": "cards_staff"}, "role"),
])
def test_register_bad_fields_give_422_with_that_field(client, overrides, field):
    response = client.post("/register", json=_register_body(**overrides))
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_register_missing_fields_are_each_reported(client):
    response = client.post("/register", json={})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == REGISTER_FIELDS


def test_malformed_json_wrong_type_wrong_content_type_and_oversize(client, app):
    malformed = client.post("/register", data="{not json", content_type="application/json")
    assert malformed.status_code == 400 and malformed.get_json()["error"]["code"] == "bad_request"
    a_list = client.post("/login", json=["login", "password"])
    assert a_list.status_code == 422
    form = client.post("/login", data={"login": "x", "password": "y"})
    assert form.status_code == 415 and form.get_json()["error"]["code"] == "unsupported_media_type"
    huge = client.post("/register", data='{"first_name": "' + "a" * (app.config["MAX_CONTENT_LENGTH"] + 10) + '"}',
                       content_type="application/json")
    assert huge.status_code == 413 and huge.get_json()["error"]["code"] == "payload_too_large"


def test_login_by_email_returns_the_contract_shape_and_a_verifiable_token(client, app):
    user = register(client)
    response = login(client, "  " + user["email"].upper())
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token", "must_change_password"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900 and body["must_change_password"] is False
    header = jwt.get_unverified_header(body["access_token"])
    assert header["alg"] == "RS256" and header["kid"]
    claims = app.extensions["token_verifier"].verify(body["access_token"]).claims
    assert claims["sub"] == user["id"] and claims["roles"] == ["member"]
    assert claims["iss"] == "guichet-auth" and claims["aud"] == "guichet"
    assert claims["exp"] - claims["iat"] == 900 and claims["jti"]
    assert "pwd_change_required" not in claims
    me = client.get("/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200 and me.get_json()["email"] == user["email"]


def test_unknown_user_and_wrong_password_give_byte_identical_bodies(client):
    user = register(client)
    wrong = login(client, user["email"], "wrong-password-1")
    unknown = login(client, unique_email("nobody"), "wrong-password-1")
    unknown_trainer = login(client, "zzzz999", "wrong-password-1")
    assert wrong.status_code == unknown.status_code == unknown_trainer.status_code == 401
    assert wrong.data == unknown.data == unknown_trainer.data
    assert wrong.get_json()["error"]["code"] == "invalid_credentials"


@pytest.mark.parametrize("body, field", [
    ({"password": PASSWORD}, "login"),
    ({"login": "someone@example.org"}, "password"),
    ({"login": 12, "password": PASSWORD}, "login"),
    ({"login": "someone@example.org", "password": PASSWORD, "remember_me": "maybe"}, "remember_me"),
])
def test_login_bad_input_is_422_with_field_errors(client, body, field):
    response = client.post("/login", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
