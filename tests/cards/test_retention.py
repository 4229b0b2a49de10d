"""Law 25 retention of trainees (issue 23 item 3): the run empties exactly the dates of birth and phones the
staff preview showed (row by row), audits each request, and leaves younger sessions and every name alone.
Participant searches by staff are told to auth's log of staff reads."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from chassis.bus.tables import OutboxMessage
from chassis.privacy_retention import years_before
from services.cards import cli
from services.cards.db.models import AuditEntry, CardSession, Participant
from services.cards.domain.dates import today_in_montreal
from services.cards.operations import retention
from tests.cards.helpers import participant_form, session_form

pytestmark = pytest.mark.integration


def _session_ended_on(client, db, trainer, end_date, *people) -> str:
    session_id = client.post("/sessions", json=session_form(), headers=trainer["headers"]).json["id"]
    for first_name in people:
        created = client.post(f"/sessions/{session_id}/participants", headers=trainer["headers"],
                              json=participant_form(first_name=first_name))
        assert created.status_code == 201
    with db.transaction() as session:  # the form refuses old end dates: age the session in the database
        session.execute(update(CardSession).where(CardSession.id == session_id).values(end_date=end_date))
    return session_id


def _participants(db, session_id) -> list[Participant]:
    with db.reading() as session:
        return list(session.scalars(select(Participant).where(Participant.session_id == session_id)
                                    .order_by(Participant.first_name)))


def _jsonable(rows: list[dict]) -> list[dict]:
    return [{k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in row.items()} for row in rows]


def test_the_run_anonymizes_exactly_what_the_preview_showed(client, db, trainer, staff, monkeypatch, capsys):
    limit = years_before(today_in_montreal(), 10)
    on_the_day = _session_ended_on(client, db, trainer, limit, "Anne", "Benoît")
    older = _session_ended_on(client, db, trainer, limit - timedelta(days=400), "Chloé")
    younger = _session_ended_on(client, db, trainer, limit + timedelta(days=1), "Denis")

    preview = client.get("/retention/preview", headers=staff["headers"])
    assert preview.status_code == 200
    assert preview.json["retention_years"] == 10 and preview.json["total"] == 3
    shown = [(row["session_id"], row["first_name"]) for row in preview.json["items"]]
    assert shown[0] == (older, "Chloé") and sorted(shown[1:]) == [(on_the_day, "Anne"), (on_the_day, "Benoît")]
    assert client.get("/retention/preview", headers=trainer["headers"]).status_code == 403

    monkeypatch.setenv("CARDS_DATABASE_URL", db.url)
    assert cli.main(["retention"]) == 0  # the operator's look: nothing changes
    assert all(p.birth_date is not None for p in _participants(db, older))
    with db.transaction() as session:
        done = retention.run(session, 10)
    assert _jsonable(done) == preview.json["items"]  # row by row

    for session_id in (on_the_day, older):
        for person in _participants(db, session_id):
            assert (person.birth_date, person.phone, person.phone_ext) == (None, None, None)
            assert person.anonymized_at is not None and person.last_name == "Tremblay"  # names stay
    [kept] = _participants(db, younger)
    assert kept.birth_date is not None and kept.phone == "514-555-0199" and kept.anonymized_at is None
    with db.reading() as session:
        audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "participants_anonymized")
                                  .order_by(AuditEntry.id)).all()
    assert [(e.session_id, sorted(e.details["participant_ids"]), e.actor_id) for e in audited] == [
        (older, [row["participant_id"] for row in done if row["session_id"] == older], "system:retention"),
        (on_the_day, sorted(row["participant_id"] for row in done if row["session_id"] == on_the_day),
         "system:retention")]
    shown = client.get(f"/sessions/{on_the_day}/participants", headers=staff["headers"]).json["items"]
    assert {(p["birth_date"], p["phone"]) for p in shown} == {(None, None)}

    capsys.readouterr()
    assert cli.main(["retention", "--apply"]) == 0  # the next run: nothing left to do
    assert [line for line in capsys.readouterr().out.splitlines() if not line.startswith("{")] == [
        "0 row(s) done"]


def test_a_staff_search_is_told_to_the_log_of_staff_reads(client, db, trainer, staff):
    session_id = _session_ended_on(client, db, trainer, today_in_montreal() - timedelta(days=3), "Émile")
    [person] = _participants(db, session_id)
    found = client.get("/participants?last_name=tremb&birth_date=1985-04-12", headers=staff["headers"])
    assert found.status_code == 200 and person.id in [p["id"] for p in found.json["items"]]
    with db.reading() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.event_type == "cards.personal_data_viewed")
                               .order_by(OutboxMessage.id)).all()
    payload = rows[-1].envelope["payload"]
    assert payload["viewer_id"] == staff["user_id"] and payload["what"] == "participant_search"
    assert payload["subject"] == "tremb 1985-04-12" and person.id in payload["details"]["participant_ids"]
    assert payload["details"]["total"] == found.json["total"]
