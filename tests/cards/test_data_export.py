"""A trainee's data export by ASSTSAS staff (issue 23, item 2) and cards' part of every export: who may ask,
which rows are the same person, what the request and the part carry (the outbox rows the relay publishes)."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select, update

from chassis.bus.tables import OutboxMessage
from services.cards.db.models import AuditEntry, Participant
from tests.cards.helpers import deliver, envelope, participant_form, session_form

pytestmark = pytest.mark.integration


def _request_with(client, trainer, *people: dict) -> tuple[str, list[str]]:
    session_id = client.post("/sessions", json=session_form(), headers=trainer["headers"]).json["id"]
    ids = []
    for person in people:
        created = client.post(f"/sessions/{session_id}/participants", headers=trainer["headers"],
                              json=participant_form(**person))
        assert created.status_code == 201, created.json
        ids.append(created.json["id"])
    return session_id, ids


def _outbox(db, event_type: str, key: str, value: str) -> OutboxMessage:
    with db.reading() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.event_type == event_type)).all()
    [row] = [row for row in rows if row.envelope["payload"].get(key) == value]
    return row


def _part_files(db, export_id: str) -> dict[str, list[dict]]:
    files = _outbox(db, "cards.data_export_part", "export_id", export_id).envelope["payload"]["files"]
    return {item["name"]: list(csv.DictReader(io.StringIO(item["content"])))
            for item in files if item["name"].endswith(".csv")}


def test_staff_export_the_same_person_across_requests_and_no_one_else(client, db, trainer, staff):
    _, (josee, marc) = _request_with(client, trainer, {"first_name": "Josée", "last_name": "Ouellet"},
                                     {"first_name": "Marc", "last_name": "Ouellet"})
    _, (again, namesake) = _request_with(client, trainer, {"first_name": "JOSÉE", "last_name": "ouellet"},
                                         {"first_name": "Josée", "last_name": "Ouellet", "birth_date": "1990-01-01"})
    path = f"/participants/{josee}/data-export"
    assert client.post(path).status_code == 401
    assert client.post(path, headers=trainer["headers"]).status_code == 403
    assert client.post("/participants/nobody/data-export", headers=staff["headers"]).status_code == 404
    answer = client.post(path, headers=staff["headers"])
    assert answer.status_code == 202 and answer.json["participant_count"] == 2

    asked = _outbox(db, "cards.participant_export_requested", "export_id", answer.json["export_id"])
    payload = asked.envelope["payload"]
    assert asked.sensitive and sorted(payload["subject"]["participant_ids"]) == sorted([josee, again])
    assert payload["recipient"] == {"user_id": staff["user_id"], "portal": "cards"}
    assert payload["parts"] == ["auth", "cards", "billing", "productions", "notifier"]
    viewed = _outbox(db, "cards.personal_data_viewed", "what", "export").envelope["payload"]
    assert viewed["viewer_id"] == staff["user_id"] and viewed["details"]["export_id"] == answer.json["export_id"]
    with db.reading() as session:
        assert session.scalar(select(AuditEntry.actor_id).where(AuditEntry.action == "participant_exported")) \
            == staff["user_id"]

    # Cards' own part, made by its consumer from that request: the two rows of Josée, nothing of Marc, of her
    # namesake born another day, nor of the trainer or the request.
    deliver(db, envelope("cards.participant_export_requested", payload, "cards"))
    files = _part_files(db, answer.json["export_id"])
    assert sorted(row["id"] for row in files["participations.csv"]) == sorted([josee, again])
    everything = str(files)
    assert marc not in everything and namesake not in everything and trainer["user_id"] not in everything
    assert "session_id" not in files["participations.csv"][0] and trainer["card_number"] not in everything


def test_a_trainee_whose_birth_date_retention_emptied_is_exported_alone(client, db, trainer, staff):
    _, (kept, emptied) = _request_with(client, trainer, {"first_name": "Rémi", "last_name": "Caron"},
                                       {"first_name": "Rémi", "last_name": "Caron", "birth_date": "1991-02-03"})
    with db.transaction() as session:
        session.execute(update(Participant).where(Participant.id == emptied).values(birth_date=None, phone=None))
    answer = client.post(f"/participants/{emptied}/data-export", headers=staff["headers"])
    assert answer.status_code == 202 and answer.json["participant_count"] == 1
    subject = _outbox(db, "cards.participant_export_requested", "export_id",
                      answer.json["export_id"]).envelope["payload"]["subject"]
    assert subject["participant_ids"] == [emptied] and subject["birth_date"] is None and kept not in str(subject)


def test_a_trainers_part_holds_their_requests_and_participants_only(client, db, trainer, staff):
    mine, (participant,) = _request_with(client, trainer, {"first_name": "Lise", "last_name": "Poirier"})
    request = {"export_id": "e-trainer", "subject": {"kind": "account", "user_id": trainer["user_id"],
                                                     "email": trainer["email"], "first_name": "Claude",
                                                     "last_name": "Éthier"},
               "recipient": {"user_id": trainer["user_id"], "portal": "cards"}, "parts": ["cards"],
               "requested_at": "2026-12-07T20:00:00+00:00"}
    deliver(db, envelope("auth.data_export_requested", request, "auth"))
    files = _part_files(db, "e-trainer")
    assert mine in {row["id"] for row in files["requests.csv"]}
    assert participant in {row["id"] for row in files["participants.csv"]}
    assert {row["trainer_card_number"] for row in files["requests.csv"]} == {trainer["card_number"]}
    deliver(db, envelope("auth.data_export_requested", {**request, "export_id": "e-nobody", "subject": {
        **request["subject"], "user_id": "someone-else"}}, "auth"))
    assert _outbox(db, "cards.data_export_part", "export_id", "e-nobody").envelope["payload"]["files"] == []
