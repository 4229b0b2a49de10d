"""The security trail (issue 17, item 7): who, what, when, from where, with what outcome, kept one
year, read by the staff of the person's own portal (``GET /users/{id}/security-events``)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from services.auth.db.models import SecurityEvent
from services.auth.db.types import utcnow
from services.auth.operations import users
from services.auth.operations.security_events import record_security_event
from tests.auth.conftest import (
    PASSWORD,
    bearer,
    login,
    member_token,
    outbox_events,
    register,
    staff_token,
    unique_email,
)


def _trail(client, staff_token_, user_id, **params):
    return client.get(f"/users/{user_id}/security-events", headers=bearer(staff_token_), query_string=params)


def _kinds(body) -> list[tuple[str, str]]:
    return [(item["kind"], item["outcome"]) for item in body["items"]]


def _trainer(db, card: str) -> dict:
    email = unique_email("trainer")
    with db.transaction() as session:
        user = users.create_user(session, users.NewAccount(email, "Claude", "Éthier", "trainer",
                                                           card_number=card), PASSWORD)
        return {"id": user.id, "email": email}


def test_logins_failures_lockouts_and_password_changes_are_recorded(client, db):
    _, aqpm = staff_token(client, db, "productions_staff")
    user, token = member_token(client)
    address = client.environ_base["REMOTE_ADDR"]
    for _ in range(3):  # conftest: 3 failures lock the account from this address
        assert login(client, user["email"], "wrong-password-9").status_code == 401
    assert login(client, user["email"]).status_code == 429
    assert client.post("/me/password", headers=bearer(token), json={
        "old_password": "nope-nope-nope", "new_password": "Tr0mbone-Lune-77",
        "new_password_confirmation": "Tr0mbone-Lune-77"}).status_code == 429  # still locked: traced too
    assert client.post("/password/forgot", json={"email": user["email"]}).status_code == 202

    body = _trail(client, aqpm, user["id"]).get_json()
    kinds = _kinds(body)
    assert body["total"] == len(kinds)
    assert kinds.count(("login", "failure")) == 3 and ("login", "success") in kinds
    assert ("login_lockout", "locked") in kinds and ("login", "throttled") in kinds
    assert ("password_changed", "throttled") in kinds and ("password_reset_requested", "success") in kinds
    assert {item["address"] for item in body["items"]} == {address}
    times = [item["occurred_at"] for item in body["items"]]
    assert times == sorted(times, reverse=True)  # newest first
    assert all("password" not in str(item["details"]).lower().replace("temporary_password", "")
               for item in body["items"])


def test_email_changes_and_refresh_token_reuse_are_recorded(client, db):
    _, aqpm = staff_token(client, db, "productions_staff")
    user, token = member_token(client)
    tokens = login(client, user["email"]).get_json()
    assert client.post("/refresh", json={"refresh_token": tokens["refresh_token"]}).status_code == 200
    assert client.post("/refresh", json={"refresh_token": tokens["refresh_token"]}).status_code == 401  # reuse
    new_email = unique_email("moved")
    assert client.patch("/me", headers=bearer(token), json={"email": new_email, "current_password": PASSWORD}
                        ).status_code == 200
    [event] = outbox_events(db, "auth.email_change_requested", user_id=user["id"])
    assert client.post("/email-change/confirm", json={"token": event["payload"]["confirmation_token"]}
                       ).status_code == 200
    assert client.post("/email-change/cancel", json={"token": event["payload"]["cancellation_token"]}
                       ).status_code == 200

    kinds = _kinds(_trail(client, aqpm, user["id"]).get_json())
    for expected in [("refresh_token_reuse", "revoked"), ("email_change_requested", "success"),
                     ("email_change_confirmed", "success"), ("email_change_cancelled", "success"),
                     ("password_reset_requested", "success")]:
        assert expected in kinds


def test_staff_read_the_trail_of_their_own_portal_only(client, db):
    _, asstsas = staff_token(client, db, "cards_staff")
    _, aqpm = staff_token(client, db, "productions_staff")
    member, member_access = member_token(client)
    trainer = _trainer(db, "trem123-01")
    assert login(client, trainer["email"]).status_code == 200

    assert _trail(client, asstsas, trainer["id"]).status_code == 200
    assert _kinds(_trail(client, asstsas, trainer["id"]).get_json()) == [("login", "success")]
    assert _trail(client, aqpm, trainer["id"]).status_code == 404
    assert _trail(client, aqpm, member["id"]).status_code == 200
    assert _trail(client, asstsas, member["id"]).status_code == 404
    assert _trail(client, member_access, member["id"]).status_code == 403  # not staff: not even their own
    assert _trail(client, aqpm, "00000000-0000-0000-0000-000000000000").status_code == 404
    assert client.get(f"/users/{member['id']}/security-events").status_code == 401


def test_the_trail_pages_with_limit_and_offset(client, db):
    _, aqpm = staff_token(client, db, "productions_staff")
    user = register(client)
    for _ in range(2):
        assert login(client, user["email"]).status_code == 200
    assert login(client, user["email"], "wrong-password-9").status_code == 401
    everything = _trail(client, aqpm, user["id"]).get_json()
    page = _trail(client, aqpm, user["id"], limit=1, offset=1).get_json()
    assert everything["total"] == page["total"] == 3 and page["items"] == everything["items"][1:2]
    assert _trail(client, aqpm, user["id"], limit=0).status_code == 422
    assert _trail(client, aqpm, user["id"], limit=201).status_code == 422


def test_events_older_than_a_year_are_purged_on_the_next_write(db):
    now = utcnow()
    with db.transaction() as session:
        for days in (400, 366, 364):
            session.add(SecurityEvent(user_id="purge-test", kind="login", outcome="success", address="192.0.2.1",
                                      details={"age": days}, occurred_at=now - timedelta(days=days)))
    with db.transaction() as session:  # the function the account-disabling use cases call
        record_security_event(session, "purge-test", "account_disabled", "success", "192.0.2.2", {"by": "staff-1"})
    with db.reading() as session:
        left = sorted(row.details.get("age", 0) for row in session.scalars(
            select(SecurityEvent).where(SecurityEvent.user_id == "purge-test")))
    assert left == [0, 364]


@pytest.mark.parametrize("keep_days", [30])
def test_the_retention_follows_the_setting(db, keep_days):
    now = utcnow()
    with db.transaction() as session:
        session.add(SecurityEvent(user_id="keep-test", kind="login", outcome="success", address=None, details={},
                                  occurred_at=now - timedelta(days=keep_days + 1)))
        session.add(SecurityEvent(user_id="keep-test", kind="login", outcome="success", address=None, details={},
                                  occurred_at=now - timedelta(days=keep_days - 1)))
    with db.transaction() as session:
        record_security_event(session, "keep-test", "login", "failure", None, keep_days=keep_days)
    with db.reading() as session:
        assert len(session.scalars(select(SecurityEvent).where(SecurityEvent.user_id == "keep-test")).all()) == 2


def test_a_flood_of_throttled_attempts_is_traced_once_a_minute(client, db):
    _, aqpm = staff_token(client, db, "productions_staff")
    user = register(client)
    for _ in range(3):
        login(client, user["email"], "wrong-password-9")
    assert [login(client, user["email"]).status_code for _ in range(20)] == [429] * 20
    kinds = _kinds(_trail(client, aqpm, user["id"]).get_json())
    assert kinds.count(("login", "throttled")) == 1 and kinds.count(("login", "failure")) == 3
