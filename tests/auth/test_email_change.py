"""Changing one's email (issue 17, item 2): a stolen access token is not enough to take the account.

The current password is needed (422 on the field without it or when wrong, counted as a failed
login); the new address becomes the login only once the single-use link sent to it is followed
(24 h); the old address is told at once, with a "this was not me" link that cancels (or undoes)
the change, ends every session, burns the password and sends a temporary one to the old address.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from services.auth.db.models import EmailChange, SecurityEvent, User
from services.auth.db.types import utcnow
from tests.auth.conftest import PASSWORD, bearer, login, member_token, outbox_events, register, unique_email


def _ask(client, token, email, password=PASSWORD, **extra):
    body = {"email": email, **extra}
    if password is not None:
        body["current_password"] = password
    return client.patch("/me", headers=bearer(token), json=body)


def _tokens(db, user_id) -> dict:
    [event] = outbox_events(db, "auth.email_change_requested", user_id=user_id)[-1:]
    return event


def test_without_the_current_password_the_email_does_not_change(client, db):
    user, token = member_token(client)
    new_email = unique_email("thief")
    response = _ask(client, token, new_email, password=None)
    assert response.status_code == 422
    assert "current_password" in response.get_json()["error"]["fields"]
    assert client.get("/me", headers=bearer(token)).get_json()["email"] == user["email"]
    assert outbox_events(db, "auth.email_change_requested", user_id=user["id"]) == []
    assert outbox_events(db, "auth.user_updated", user_id=user["id"]) == []


def test_a_wrong_current_password_is_422_counts_as_a_failed_login_and_ends_in_429(client, db):
    user, token = member_token(client)
    statuses = [_ask(client, token, unique_email("thief"), password="not-the-password-1").status_code
                for _ in range(3)]  # conftest: 3 failures lock the account from this address
    assert statuses == [422, 422, 422]
    locked = _ask(client, token, unique_email("thief"))
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) >= 1
    assert login(client, user["email"]).status_code == 429  # the same counter as the login's
    assert outbox_events(db, "auth.email_change_requested", user_id=user["id"]) == []
    with db.reading() as session:
        outcomes = [row.outcome for row in session.scalars(select(SecurityEvent).where(
            SecurityEvent.user_id == user["id"], SecurityEvent.kind == "email_change_requested"))]
    assert outcomes.count("failure") == 3 and "throttled" in outcomes


def test_the_new_address_becomes_the_login_only_once_confirmed(client, db):
    user, token = member_token(client)
    new_email = unique_email("moved")
    response = _ask(client, token, new_email, language="en")
    assert response.status_code == 200
    body = response.get_json()
    assert body["email"] == user["email"] and body["pending_email"] == new_email and body["language"] == "en"
    assert client.get("/me", headers=bearer(token)).get_json()["pending_email"] == new_email

    event = _tokens(db, user["id"])
    assert event["_sensitive"] is True
    payload = event["payload"]
    assert payload["email"] == user["email"] and payload["new_email"] == new_email
    with db.reading() as session:  # only hashes are kept
        change = session.scalars(select(EmailChange).where(EmailChange.user_id == user["id"])).one()
        assert payload["confirmation_token"] not in (change.confirm_token_hash, change.cancel_token_hash)
        assert change.expires_at - change.requested_at == timedelta(hours=24)

    # Until confirmed: the old address is the login, the new one is nobody's.
    assert login(client, new_email).status_code == 401
    assert login(client, user["email"]).status_code == 200

    confirmed = client.post("/email-change/confirm", json={"token": payload["confirmation_token"]})
    assert confirmed.status_code == 200 and confirmed.get_json()["email"] == new_email
    assert login(client, new_email).status_code == 200
    assert login(client, user["email"]).status_code == 401
    [updated] = [e for e in outbox_events(db, "auth.user_updated", user_id=user["id"])
                 if e["payload"]["email"] == new_email]
    assert updated["payload"]["language"] == "en"
    assert "pending_email" not in client.get("/me", headers=bearer(token)).get_json()

    again = client.post("/email-change/confirm", json={"token": payload["confirmation_token"]})
    assert again.status_code == 404  # single use


def test_the_confirmation_link_expires_after_24_hours(client, db):
    user, token = member_token(client)
    new_email = unique_email("late")
    assert _ask(client, token, new_email).status_code == 200
    payload = _tokens(db, user["id"])["payload"]
    with db.transaction() as session:
        session.execute(update(EmailChange).where(EmailChange.user_id == user["id"])
                        .values(expires_at=utcnow() - timedelta(seconds=1)))
    assert client.post("/email-change/confirm", json={"token": payload["confirmation_token"]}).status_code == 404
    assert login(client, new_email).status_code == 401


def test_a_newer_request_replaces_the_pending_one(client, db):
    user, token = member_token(client)
    assert _ask(client, token, unique_email("first")).status_code == 200
    first = _tokens(db, user["id"])["payload"]
    second_email = unique_email("second")
    assert _ask(client, token, second_email).status_code == 200
    assert client.post("/email-change/confirm", json={"token": first["confirmation_token"]}).status_code == 404
    second = _tokens(db, user["id"])["payload"]
    assert client.post("/email-change/confirm", json={"token": second["confirmation_token"]}).status_code == 200
    assert login(client, second_email).status_code == 200


def test_this_was_not_me_cancels_ends_sessions_and_burns_the_password(client, db):
    user, token = member_token(client)
    refresh = login(client, user["email"]).get_json()["refresh_token"]
    assert _ask(client, token, unique_email("thief")).status_code == 200
    payload = _tokens(db, user["id"])["payload"]

    cancelled = client.post("/email-change/cancel", json={"token": payload["cancellation_token"]})
    assert cancelled.status_code == 200
    assert client.post("/email-change/confirm", json={"token": payload["confirmation_token"]}).status_code == 404
    assert client.post("/refresh", json={"refresh_token": refresh}).status_code == 401  # sessions ended
    assert login(client, user["email"]).status_code == 401  # the thief's known password is dead
    [reset] = outbox_events(db, "auth.password_reset_requested", user_id=user["id"])
    assert reset["_sensitive"] and reset["payload"]["email"] == user["email"] and reset["payload"]["password_revoked"]
    temporary = login(client, user["email"], reset["payload"]["temporary_password"])
    assert temporary.status_code == 200 and temporary.get_json()["must_change_password"] is True
    assert client.post("/email-change/cancel", json={"token": payload["cancellation_token"]}).status_code == 404


def test_this_was_not_me_undoes_an_already_confirmed_change(client, db):
    user, token = member_token(client)
    thief_email = unique_email("thief")
    assert _ask(client, token, thief_email).status_code == 200
    payload = _tokens(db, user["id"])["payload"]
    assert client.post("/email-change/confirm", json={"token": payload["confirmation_token"]}).status_code == 200
    assert client.post("/password/forgot", json={"email": thief_email}).status_code == 202

    assert client.post("/email-change/cancel", json={"token": payload["cancellation_token"]}).status_code == 200
    with db.reading() as session:
        account = session.get(User, user["id"])
        assert account.email == user["email"] and account.password_hash is None
    assert login(client, thief_email).status_code == 401
    resets = outbox_events(db, "auth.password_reset_requested", user_id=user["id"])
    assert resets[-1]["payload"]["email"] == user["email"]  # the owner's address, not the thief's
    assert login(client, user["email"], resets[-1]["payload"]["temporary_password"]).status_code == 200
    # The thief's reset (sent to the thief's address) stopped working with the new temporary password.
    assert login(client, user["email"], resets[0]["payload"]["temporary_password"]).status_code == 401


def test_a_taken_address_is_409_and_the_same_address_in_capitals_needs_no_password(client, db):
    other = register(client)
    user, token = member_token(client)
    assert _ask(client, token, other["email"]).status_code == 409
    capitals = _ask(client, token, user["email"].upper(), password=None)
    assert capitals.status_code == 200 and capitals.get_json()["email"] == user["email"].upper()
    assert outbox_events(db, "auth.email_change_requested", user_id=user["id"]) == []


def test_unknown_or_malformed_link_tokens_are_refused(client):
    assert client.post("/email-change/confirm", json={"token": "x" * 43}).status_code == 404
    assert client.post("/email-change/cancel", json={"token": "x" * 43}).status_code == 404
    assert client.post("/email-change/confirm", json={}).status_code == 422
    assert client.post("/email-change/cancel", json={"token": "short"}).status_code == 422


def test_the_links_are_documented_in_the_openapi_document(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    assert "post" in paths["/email-change/confirm"] and "post" in paths["/email-change/cancel"]
    assert "current_password" in str(paths["/me"]["patch"])
