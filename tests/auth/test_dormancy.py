"""Dormant members' accounts (Law 25 retention, issue 23 item 3): the preview AQPM staff read is exactly what
the run warns and anonymizes; a login meanwhile keeps the account; trainers and staff are never touched."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from services.auth import cli
from services.auth.config import AuthSettings
from services.auth.db.models import AuditEntry, User
from services.auth.db.types import utcnow
from services.auth.operations import dormancy
from tests.auth.conftest import auth_config, bearer, login, member_token, outbox_events, staff_token

pytestmark = pytest.mark.integration


def _age(db, user_id: str, **moments) -> None:
    with db.transaction() as session:
        user = session.get(User, user_id)
        for name, value in moments.items():
            setattr(user, name, value)


def _settings(db_url) -> AuthSettings:
    return AuthSettings.from_config(auth_config(db_url))


def _comparable(rows: list[dict]) -> list[tuple]:
    """What the API shows and what the run did, field by field, moments as ISO strings; without the warned
    accounts' ``anonymize_after`` (the moment of the run plus the grace: the run comes after the preview)."""
    return [tuple((k, v.isoformat() if hasattr(v, "isoformat") else v) for k, v in sorted(row.items())
                  if k != "anonymize_after") for row in rows]


def test_the_run_warns_and_anonymizes_exactly_what_the_preview_showed(client, db, db_url, monkeypatch, capsys):
    now = utcnow()
    long_ago = now - timedelta(days=4 * 366)
    never_used, _ = member_token(client)
    _age(db, never_used["id"], created_at=long_ago, last_active_at=None)  # as if it had never logged in
    warned_long_ago, _ = member_token(client)
    _age(db, warned_long_ago["id"], last_active_at=long_ago, dormancy_warned_at=now - timedelta(days=31))
    warned_lately, _ = member_token(client)
    _age(db, warned_lately["id"], last_active_at=long_ago, dormancy_warned_at=now - timedelta(days=10))
    came_back, _ = member_token(client)
    _age(db, came_back["id"], last_active_at=long_ago, dormancy_warned_at=now - timedelta(days=31))
    assert login(client, came_back["email"]).status_code == 200  # a login clears the warning
    recent, _ = member_token(client)
    staff, token = staff_token(client, db, "productions_staff")
    _age(db, staff["id"], created_at=long_ago, last_active_at=long_ago)  # staff are never anonymized this way

    preview = client.get("/retention/preview", headers=bearer(token))
    assert preview.status_code == 200
    body = preview.get_json()
    assert (body["dormant_account_years"], body["warning_days"], body["total"]) == (3, 30, 2)
    assert [(row["action"], row["user_id"]) for row in body["items"]] == [
        ("warn", never_used["id"]), ("anonymize", warned_long_ago["id"])]
    _, cards_staff = staff_token(client, db, "cards_staff")
    assert client.get("/retention/preview", headers=bearer(cards_staff)).status_code == 403

    # The operator's command: the same rows without --apply, then applied.
    monkeypatch.setenv("AUTH_DATABASE_URL", db_url)
    assert cli.main(["retention"]) == 0
    listed = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("{")]  # not logs
    assert [line.split()[:2] for line in listed[:-1]] == [["warn", never_used["id"]],
                                                          ["anonymize", warned_long_ago["id"]]]
    with db.transaction() as session:
        done = dormancy.run(session, _settings(db_url))
    assert _comparable(done) == _comparable(body["items"])

    with db.reading() as session:
        users = {u.id: u for u in session.scalars(select(User))}
        audited = [(e.subject_user_id, e.action) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert users[never_used["id"]].dormancy_warned_at is not None and users[never_used["id"]].anonymized_at is None
    gone = users[warned_long_ago["id"]]
    assert gone.anonymized_at is not None and gone.email.endswith("@anonymized.invalid")
    for kept in (warned_lately, came_back, recent, staff):
        assert users[kept["id"]].anonymized_at is None and users[kept["id"]].email == kept["email"]
    assert users[came_back["id"]].dormancy_warned_at is None
    assert audited == [(never_used["id"], "dormancy_warned"), (warned_long_ago["id"], "account_anonymized")]
    [warning] = outbox_events(db, "auth.account_dormancy_warned", user_id=never_used["id"])
    assert warning["payload"]["email"] == never_used["email"]
    [anonymized] = outbox_events(db, "auth.account_anonymized", user_id=warned_long_ago["id"])
    assert anonymized["payload"]["reason"] == "dormant" and anonymized["payload"]["pseudonym"] == gone.last_name
    assert client.get("/retention/preview", headers=bearer(token)).get_json()["total"] == 0  # nothing left


def test_preview_and_run_at_the_same_moment_give_the_same_rows(client, db, db_url):
    """Later: the warned account's grace runs out; with the same clock, the preview is row for row the run."""
    settings = _settings(db_url)
    later = utcnow() + timedelta(days=settings.dormant_warning_days + 1)
    with db.reading() as session:
        shown = dormancy.preview(session, settings, later)
    with db.transaction() as session:
        done = dormancy.run(session, settings, later)
    assert shown and done == shown
    assert {row["action"] for row in done} == {"anonymize"}
