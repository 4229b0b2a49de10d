"""Erasure on request (Law 25, issue 23 item 4): a member's account anonymized with its password, or by AQPM
staff; trainers and staff refused; the audit entry kept under the pseudonym; the event every service handles."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from services.auth.db.models import AuditEntry, KnownHouseAdmin, SecurityEvent, User
from tests.auth.conftest import PASSWORD, bearer, login, member_token, outbox_events, staff_token, unique_email

pytestmark = pytest.mark.integration


def _row(db, model, user_id):
    with db.reading() as session:
        return session.get(model, user_id)


def test_a_member_erases_their_account_with_their_password(client, db, immediate_status):
    member, token = member_token(client)
    with db.transaction() as session:  # productions told auth this member administers a house
        session.add(KnownHouseAdmin(house_id="h-1", user_id=member["id"], is_admin=True,
                                    changed_at=_row(db, User, member["id"]).created_at))

    wrong = client.post("/me/erasure", headers=bearer(token), json={"password": "not-the-password"})
    assert wrong.status_code == 422 and list(wrong.get_json()["error"]["fields"]) == ["password"]
    assert _row(db, User, member["id"]).anonymized_at is None  # nothing written
    assert client.post("/me/erasure", headers=bearer(token), json={}).status_code == 422

    erased = client.post("/me/erasure", headers=bearer(token), json={"password": PASSWORD})
    assert erased.status_code == 200, erased.get_json()
    pseudonym = erased.get_json()["pseudonym"]
    assert pseudonym.startswith("anonyme-") and erased.get_json()["user_id"] == member["id"]

    user = _row(db, User, member["id"])
    assert (user.email, user.first_name, user.last_name) == (f"{pseudonym}@anonymized.invalid", "", pseudonym)
    assert user.password_hash is None and user.disabled_at is not None and user.anonymized_at is not None
    assert _row(db, KnownHouseAdmin, ("h-1", member["id"])).is_admin is False
    assert login(client, member["email"]).status_code == 401  # the address is gone, and the password
    assert client.get("/me", headers=bearer(token)).status_code == 401  # the session's token is refused
    with db.reading() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.subject_user_id == member["id"])).all()
        addresses = session.scalars(select(SecurityEvent.address).where(SecurityEvent.user_id == member["id"])).all()
    assert [(e.actor_id, e.action, e.details) for e in entries] == [
        (pseudonym, "account_anonymized", {"pseudonym": pseudonym, "reason": "request"})]
    assert addresses and set(addresses) == {None}  # the login's client address went with the rest
    [event] = outbox_events(db, "auth.account_anonymized", user_id=member["id"])
    assert event["payload"] == {"user_id": member["id"], "pseudonym": pseudonym, "reason": "request"}
    assert outbox_events(db, "auth.user_disabled", user_id=member["id"])
    assert member["email"] not in str(event)


def test_trainers_and_staff_cannot_erase_their_accounts(client, db):
    _, staff = staff_token(client, db, "cards_staff")
    trainer = client.post("/trainers", headers=bearer(staff), json={
        "card_number": "tram271-03", "first_name": "Line", "last_name": "Tremblay",
        "email": unique_email("trainer")}).get_json()
    with db.transaction() as session:  # a known password for the trainer
        from services.auth.domain.passwords import hash_password
        session.get(User, trainer["id"]).password_hash = hash_password(PASSWORD)
    trainer_token = login(client, "tram271-03").get_json()["access_token"]
    for token in (trainer_token, staff):
        refused = client.post("/me/erasure", headers=bearer(token), json={"password": PASSWORD})
        assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "not_erasable"
    assert _row(db, User, trainer["id"]).anonymized_at is None
    assert client.post("/me/erasure", json={"password": PASSWORD}).status_code == 401


def test_aqpm_staff_erase_a_member_on_request_and_no_one_else(client, db):
    member, _ = member_token(client)
    _, aqpm = staff_token(client, db, "productions_staff")
    _, asstsas = staff_token(client, db, "cards_staff")
    other_staff, _ = staff_token(client, db, "productions_staff")
    # ASSTSAS staff do not see AQPM's people: a 404, as on every operation on one person.
    assert client.post(f"/users/{member['id']}/erasure", headers=bearer(asstsas)).status_code == 404
    assert client.post(f"/users/{other_staff['id']}/erasure", headers=bearer(aqpm)).status_code == 404
    assert client.post("/users/no-such-user/erasure", headers=bearer(aqpm)).status_code == 404

    erased = client.post(f"/users/{member['id']}/erasure", headers=bearer(aqpm))
    assert erased.status_code == 200
    again = client.post(f"/users/{member['id']}/erasure", headers=bearer(aqpm))
    assert again.get_json()["pseudonym"] == erased.get_json()["pseudonym"]  # once only
    assert len(outbox_events(db, "auth.account_anonymized", user_id=member["id"])) == 1
    with db.reading() as session:
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.subject_user_id == member["id"])).all()
    assert entry.actor_id != member["id"] and entry.details["reason"] == "request"
