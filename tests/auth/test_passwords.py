"""Forgot password (C2, P2), the temporary-password login, and changing a password (C3)."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from services.auth.db.models import RefreshToken, User
from services.auth.db.types import utcnow
from tests.auth.conftest import PASSWORD, bearer, login, outbox_events, register, staff_token, unique_email

NEW_PASSWORD = "brand-new-secret-7"


def _trainer(client, db, card="ethc123-04", email=None):
    _, staff = staff_token(client, db, "cards_staff")
    email = email or unique_email("trainer")
    response = client.post("/trainers", headers=bearer(staff), json={
        "card_number": card, "first_name": "Claude", "last_name": "Éthier", "email": email})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _latest_temporary_password(db, event_type, user_id) -> str:
    return outbox_events(db, event_type, user_id=user_id)[-1]["payload"]["temporary_password"]


def _change(client, token, old, new=NEW_PASSWORD, confirmation=None):
    return client.post("/me/password", headers=bearer(token), json={
        "old_password": old, "new_password": new,
        "new_password_confirmation": new if confirmation is None else confirmation})


def test_forgot_password_answers_the_same_whether_or_not_the_account_exists(client, db):
    member = register(client)
    trainer = _trainer(client, db, card="tref201-01")
    answers = [client.post("/password/forgot", json=body) for body in (
        {"email": member["email"]}, {"email": unique_email("nobody")},
        {"card_number": "tref201-01"}, {"card_number": "tref201"}, {"card_number": "zzzz999-99"},
        {"card_number": "not a card"})]
    assert {response.status_code for response in answers} == {202}
    assert len({response.data for response in answers}) == 1
    assert len(outbox_events(db, "auth.password_reset_requested", user_id=member["id"])) == 1
    assert len(outbox_events(db, "auth.password_reset_requested", user_id=trainer["id"])) == 2  # card, username


@pytest.mark.parametrize("body", [{}, {"email": "a@example.org", "card_number": "ethc123-04"},
                                  {"email": "not-an-email"}, {"card_number": 12}, {"phone": "555"}])
def test_forgot_password_bad_input_is_422(client, body):
    response = client.post("/password/forgot", json=body)
    assert response.status_code == 422 and response.get_json()["error"]["fields"]


def test_reset_event_is_sensitive_and_the_password_is_stored_hashed(client, db):
    member = register(client)
    client.post("/password/forgot", json={"email": member["email"]})
    [event] = outbox_events(db, "auth.password_reset_requested", user_id=member["id"])
    temporary = event["payload"]["temporary_password"]
    assert event["_sensitive"] is True and len(temporary) >= 12
    with db.reading() as session:
        user = session.get(User, member["id"])
        assert user.temp_password_hash.startswith("$argon2id$") and temporary not in user.temp_password_hash
        assert timedelta(minutes=59) < user.temp_password_expires_at - utcnow() <= timedelta(minutes=60)


def test_temporary_password_flow(client, db):
    member = register(client)
    client.post("/password/forgot", json={"email": member["email"]})
    temporary = _latest_temporary_password(db, "auth.password_reset_requested", member["id"])

    response = login(client, member["email"], temporary)
    assert response.status_code == 200 and response.get_json()["must_change_password"] is True
    restricted = response.get_json()
    assert client.get("/me", headers=bearer(restricted["access_token"])).get_json()["must_change_password"] is True
    for method, path in (("get", "/users"), ("patch", "/me")):
        refused = getattr(client, method)(path, headers=bearer(restricted["access_token"]), json={})
        assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "password_change_required"
    assert login(client, member["email"], temporary).status_code == 401  # one-time

    assert _change(client, restricted["access_token"], temporary).status_code == 204
    assert login(client, member["email"], temporary).status_code == 401
    assert login(client, member["email"], PASSWORD).status_code == 401
    fresh = login(client, member["email"], NEW_PASSWORD).get_json()
    assert fresh["must_change_password"] is False
    assert client.patch("/me", headers=bearer(fresh["access_token"]), json={"language": "fr"}).status_code == 200
    refreshed = client.post("/refresh", json={"refresh_token": restricted["refresh_token"]}).get_json()
    assert refreshed["must_change_password"] is False  # the session that changed it goes on, unrestricted


def test_an_expired_temporary_password_does_not_work(client, db):
    member = register(client)
    client.post("/password/forgot", json={"email": member["email"]})
    temporary = _latest_temporary_password(db, "auth.password_reset_requested", member["id"])
    with db.transaction() as session:
        session.execute(update(User).where(User.id == member["id"])
                        .values(temp_password_expires_at=utcnow() - timedelta(seconds=1)))
    assert login(client, member["email"], temporary).status_code == 401


def test_new_trainer_logs_in_with_username_and_the_emailed_temporary_password(client, db):
    trainer = _trainer(client, db, card="LAVM456-01")
    assert trainer["username"] == "lavm456" and trainer["card_number"] == "lavm456-01"
    [event] = outbox_events(db, "auth.trainer_created", user_id=trainer["id"])
    assert event["_sensitive"] is True and event["payload"]["username"] == "lavm456"
    assert outbox_events(db, "auth.user_registered", user_id=trainer["id"])
    response = login(client, "lavm456", event["payload"]["temporary_password"])
    assert response.status_code == 200 and response.get_json()["must_change_password"] is True


def test_change_password_checks_old_password_and_confirmation(client):
    member = register(client)
    token = login(client, member["email"]).get_json()["access_token"]
    wrong_old = _change(client, token, "not-my-password")
    assert wrong_old.status_code == 422 and "old_password" in wrong_old.get_json()["error"]["fields"]
    mismatch = _change(client, token, PASSWORD, confirmation="something-else-1")
    assert mismatch.status_code == 422 and "new_password_confirmation" in mismatch.get_json()["error"]["fields"]
    short = _change(client, token, PASSWORD, new="short1", confirmation="short1")
    assert short.status_code == 422 and "new_password" in short.get_json()["error"]["fields"]
    same = _change(client, token, PASSWORD, new=PASSWORD)
    assert same.status_code == 422 and "new_password" in same.get_json()["error"]["fields"]
    missing = client.post("/me/password", headers=bearer(token), json={})
    assert set(missing.get_json()["error"]["fields"]) == {"old_password", "new_password", "new_password_confirmation"}
    assert client.post("/me/password", json={}).status_code == 401
    assert login(client, member["email"]).status_code == 200  # nothing changed


def test_a_password_change_ends_the_other_sessions_only(client, db):
    member = register(client)
    laptop = login(client, member["email"]).get_json()
    phone = login(client, member["email"], remember_me=True).get_json()
    assert _change(client, laptop["access_token"], PASSWORD).status_code == 204
    assert client.post("/refresh", json={"refresh_token": phone["refresh_token"]}).status_code == 401
    assert client.post("/refresh", json={"refresh_token": laptop["refresh_token"]}).status_code == 200
    with db.reading() as session:
        live = session.scalars(select(RefreshToken).where(RefreshToken.user_id == member["id"],
                                                          RefreshToken.revoked_at.is_(None),
                                                          RefreshToken.used_at.is_(None))).all()
        assert len(live) == 1
