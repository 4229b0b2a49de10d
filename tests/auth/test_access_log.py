"""Who looked (Law 25, issue 23 item 5): staff reads of someone's information (an account's page here, a
participant search told by cards) are recorded, and only the person in charge lists them."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from chassis.events.envelope import Envelope
from chassis.events.registry import validate_payload
from services.auth.app import create_app
from services.auth.consumers import HANDLERS
from services.auth.operations import users
from tests.auth.conftest import PASSWORD, auth_config, bearer, login, member_token, staff_token

pytestmark = pytest.mark.integration
OFFICER = "responsable.prp@example.org"


@pytest.fixture(scope="module")
def app(db_url, db):
    return create_app(auth_config(db_url, PRIVACY_OFFICERS=f" {OFFICER.upper()} , nobody@example.org"), db=db)


def _officer_token(client, db) -> str:
    with db.transaction() as session:
        users.create_user(session, users.NewAccount(OFFICER, "Renée", "Responsable", "productions_staff"), PASSWORD)
    return login(client, OFFICER).get_json()["access_token"]


def _searched_in_cards(db, viewer_id: str) -> None:
    """cards' event, handled by auth's consumer as the worker does."""
    payload = validate_payload("cards.personal_data_viewed", 1, {
        "viewer_id": viewer_id, "what": "participant_search", "subject": "Tremblay 1985-04-12",
        "details": {"total": 1, "participant_ids": ["p-1"]}})
    event = Envelope(type="cards.personal_data_viewed", payload=payload, producer="cards",
                     correlation_id=uuid.uuid4().hex, occurred_at=datetime.now(UTC).isoformat())
    with db.transaction() as session:
        HANDLERS[event.type](session, event)


def test_staff_reads_are_listed_for_the_person_in_charge_only(client, db):
    member, member_access = member_token(client)
    reader, staff = staff_token(client, db, "productions_staff")
    officer = _officer_token(client, db)
    assert client.get(f"/users/{member['id']}", headers=bearer(staff)).status_code == 200
    searcher, _ = staff_token(client, db, "cards_staff")
    _searched_in_cards(db, searcher["id"])

    listed = client.get("/privacy/access-log", headers=bearer(officer))
    assert listed.status_code == 200, listed.get_json()
    entries = [(e["service"], e["viewer_id"], e["what"], e["subject"]) for e in listed.get_json()["items"]]
    assert entries == [("cards", searcher["id"], "participant_search", "Tremblay 1985-04-12"),
                       ("auth", reader["id"], "account", member["id"])]
    assert listed.get_json()["items"][0]["details"] == {"total": 1, "participant_ids": ["p-1"]}

    about_member = client.get(f"/privacy/access-log?subject={member['id']}", headers=bearer(officer)).get_json()
    assert [e["viewer_id"] for e in about_member["items"]] == [reader["id"]] and about_member["total"] == 1
    by_searcher = client.get(f"/privacy/access-log?viewer_id={searcher['id']}", headers=bearer(officer)).get_json()
    assert [e["what"] for e in by_searcher["items"]] == ["participant_search"]

    for other in (staff, member_access):  # other staff, and anyone else, are refused
        assert client.get("/privacy/access-log", headers=bearer(other)).status_code == 403
    assert client.get("/privacy/access-log").status_code == 401
    assert client.get("/privacy/access-log?limit=0", headers=bearer(officer)).status_code == 422
