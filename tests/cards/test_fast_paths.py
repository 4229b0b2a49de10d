"""The hot paths of benchmark 1 (issue 9): few statements per request, and still right under concurrency.

Reading a request is one SELECT (visibility, labels and participant count together); adding a
participant locks the request, then counts and looks for the same person in one statement.
Real PostgreSQL; concurrent writers are real threads each with its own connection.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from services.cards.app import create_app
from services.cards.config import load_config
from services.cards.db.models import Participant
from tests.cards.helpers import participant_form, seed_trainer, session_form
from tests.infra import sent_statements

pytestmark = pytest.mark.integration
MAX_PARTICIPANTS = 3


@pytest.fixture(scope="module")
def app(db, tokens):
    config = load_config(database_url=db.url, extra={"MAX_PARTICIPANTS": str(MAX_PARTICIPANTS),
                                                     "PUBLIC_BASE_URL": "https://guichet.exemple.ca"})
    return create_app(config, db=db, token_verifier=tokens.verifier())


def new_session(client, trainer) -> str:
    response = client.post("/sessions", json=session_form(), headers=trainer["headers"])
    assert response.status_code == 201, response.json
    return f"/sessions/{response.json['id']}"


def add(client, path, headers, **person):
    return client.post(path + "/participants", json=participant_form(**person), headers=headers)


def stored_participants(db, path) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(Participant)
                              .where(Participant.session_id == path.rsplit("/", 1)[1]))


def test_reading_a_request_is_one_statement_with_the_right_count(client, db, trainer):
    path = new_session(client, trainer)
    for first_name in ("Anne", "Rémi"):
        assert add(client, path, trainer["headers"], first_name=first_name).status_code == 201
    with sent_statements(db.engine) as sent:
        body = client.get(path, headers=trainer["headers"]).json
    assert len(sent) == 1, sent
    assert body["participant_count"] == 2 and body["quote"]["total"] == "4.00"
    assert body["activity_label"] and body["organization_type_label"]


def test_the_second_trainer_reads_in_one_statement_and_others_get_404(client, db, tokens, trainer):
    second = seed_trainer(db)
    form = session_form(second_trainer={"card_number": second["card_number"], "first_name": "Luc",
                                        "last_name": "Roy"})
    path = f"/sessions/{client.post('/sessions', json=form, headers=trainer['headers']).json['id']}"
    with sent_statements(db.engine) as sent:
        seen = client.get(path, headers=tokens.headers(second["user_id"], ["trainer"]))
    assert seen.status_code == 200 and len(sent) == 1
    stranger = seed_trainer(db)
    assert client.get(path, headers=tokens.headers(stranger["user_id"], ["trainer"])).status_code == 404
    retired = seed_trainer(db, card_number=second["card_number"], roles=["learner"])  # same card, not a trainer
    assert client.get(path, headers=tokens.headers(retired["user_id"], ["learner", "trainer"])).status_code == 404


def test_a_read_row_and_a_written_entity_give_the_same_view(client, db, trainer):
    """Reads build the view from a Core row (``access.session_rows``), writes from the entity: same JSON."""
    second = seed_trainer(db)
    form = session_form(second_trainer={"card_number": second["card_number"], "first_name": "Luc",
                                        "last_name": "Roy"})
    created = client.post("/sessions", json=form, headers=trainer["headers"])
    path = f"/sessions/{created.json['id']}"
    assert add(client, path, trainer["headers"], first_name="Anne").status_code == 201
    written = client.patch(path, json={"location": "Salle 2"}, headers=trainer["headers"])
    read = client.get(path, headers=trainer["headers"])
    assert written.status_code == read.status_code == 200
    assert read.json == written.json and read.json["second_trainer"]["last_name"] == "Roy"
    assert read.json["participant_count"] == 1
    listed = client.get("/sessions", headers=trainer["headers"]).json
    assert next(item for item in listed["items"] if item["id"] == created.json["id"]) == read.json


def test_adding_a_participant_loads_neither_the_others_nor_their_attestations(client, db, trainer):
    path = new_session(client, trainer)
    assert add(client, path, trainer["headers"], first_name="Anne").status_code == 201  # titles now cached
    with sent_statements(db.engine) as sent:
        response = add(client, path, trainer["headers"], first_name="Rémi")
    assert response.status_code == 201 and response.json["attestations"] == []
    # lock the request, count + same person, insert the participant, insert the audit row
    assert len(sent) == 4, sent
    assert not any("FROM participants" in s and "count" not in s for s in sent)


def test_submitting_counts_the_participants_without_loading_them(client, db, trainer):
    path = new_session(client, trainer)
    for first_name in ("Anne", "Rémi"):
        assert add(client, path, trainer["headers"], first_name=first_name).status_code == 201
    with sent_statements(db.engine) as sent:
        response = client.post(path + "/submit", json={"payment_method": "cheque", "billed_to": "organization"},
                               headers=trainer["headers"])
    assert response.status_code == 202, response.json
    assert response.json["participant_count"] == 2 and response.json["quote"]["total"] == "4.00"
    assert not any("FROM participants" in s and "count" not in s for s in sent), sent


def test_concurrent_additions_never_pass_the_limit(app, client, db, trainer):
    path = new_session(client, trainer)
    start = threading.Barrier(8)

    def one(index: int) -> int:
        start.wait()
        return add(app.test_client(), path, trainer["headers"], first_name=f"Personne{index}").status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(one, range(8)))
    assert sorted(codes) == [201] * MAX_PARTICIPANTS + [422] * (8 - MAX_PARTICIPANTS)
    assert stored_participants(db, path) == MAX_PARTICIPANTS
    assert client.get(path, headers=trainer["headers"]).json["participant_count"] == MAX_PARTICIPANTS


def test_the_same_person_sent_concurrently_is_added_once(app, client, db, trainer):
    path = new_session(client, trainer)
    start = threading.Barrier(6)

    def one(index: int) -> int:
        start.wait()
        spelling = ("Josée", "JOSEE", "josée", "Josee", "JOSÉE", "jOsÉe")[index]
        return add(app.test_client(), path, trainer["headers"], first_name=spelling).status_code

    with ThreadPoolExecutor(6) as pool:
        codes = list(pool.map(one, range(6)))
    assert sorted(codes) == [201] + [409] * 5
    assert stored_participants(db, path) == 1


def test_a_retired_title_is_refused_at_once_despite_the_cache(client, trainer, staff):
    path = new_session(client, trainer)
    assert client.post("/reference/titles", json={"code": "dre", "label": "Dre"},
                       headers=staff["headers"]).status_code == 201
    assert add(client, path, trainer["headers"], title="Dre", first_name="Anne").status_code == 201
    assert client.patch("/reference/titles/dre", json={"active": False}, headers=staff["headers"]).status_code == 200
    refused = add(client, path, trainer["headers"], title="Dre", first_name="Rémi")
    assert refused.status_code == 422 and "title" in refused.json["error"]["fields"]


def test_participant_list_and_item_after_the_changes(client, trainer):
    path = new_session(client, trainer)
    ids = [add(client, path, trainer["headers"], first_name=name).json["id"] for name in ("Anne", "Rémi")]
    listed = client.get(path + "/participants?limit=1", headers=trainer["headers"]).json
    assert listed["total"] == 2 and len(listed["items"]) == 1
    assert client.get(f"{path}/participants/{ids[1]}", headers=trainer["headers"]).json["first_name"] == "Rémi"
    other = new_session(client, trainer)
    assert client.get(f"{other}/participants/{ids[1]}", headers=trainer["headers"]).status_code == 404
    assert client.delete(f"{other}/participants/{ids[1]}", headers=trainer["headers"]).status_code == 404
    assert client.get(path + "/quote", headers=trainer["headers"]).json["participant_count"] == 2
