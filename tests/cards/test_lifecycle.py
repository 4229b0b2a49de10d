"""The life of a request over real PostgreSQL: submit, billing's events (fed to the real handlers,
duplicated and reordered), attestations and their PDFs, verification, ship, cancel, reissue, audit."""
from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from chassis.bus.tables import OutboxMessage
from chassis.errors import TooManyRequests
from services.cards.app import create_app
from services.cards.config import load_config
from services.cards.db.models import Attestation, AuditEntry, CardSession, VerificationThrottle
from services.cards.operations.throttle import Throttle
from tests.cards.helpers import deliver, envelope, participant_form, session_form

pytestmark = pytest.mark.integration
SUBMIT_CHEQUE = {"payment_method": "cheque", "billed_to": "organization"}


def new_request(client, headers, participants=3, **overrides) -> str:
    session_id = client.post("/sessions", json=session_form(**overrides), headers=headers).json["id"]
    for index in range(participants):
        person = participant_form(first_name=f"Personne{index}", last_name="Lévesque" if index == 0 else f"Nom{index}")
        assert client.post(f"/sessions/{session_id}/participants", json=person, headers=headers).status_code == 201
    return session_id


def outbox(db, session_id: str, event_type: str) -> list[dict]:
    with db.reading() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.event_type == event_type)).all()
        return [row.envelope for row in rows if row.envelope["payload"]["session_id"] == session_id]


INVOICE_DETAILS = {"customer_user_id": "u", "email": "f@exemple.qc.ca", "name": "X", "total": "6.00",
                   "balance": "6.00", "currency": "CAD", "payment_method": "cheque", "pdf_base64": "JVBERg=="}


def billing(db, event_type: str, session_id: str, **extra):
    """Billing's event, validated by the catalogue, handled by the real cards handler in its own transaction."""
    payload = {"invoice_id": "inv-1", "number": "F-0001", "session_id": session_id, **extra}
    if event_type == "billing.invoice_issued":
        payload = {**INVOICE_DETAILS, **payload}
    event = envelope(event_type, payload, "billing")
    deliver(db, event)
    return event


def audit_actions(client, session_id: str, staff) -> list[str]:
    items = client.get(f"/audit?session_id={session_id}", headers=staff["headers"]).json["items"]
    return [entry["action"] for entry in items]


def status(client, session_id, headers) -> str:
    return client.get(f"/sessions/{session_id}", headers=headers).json["status"]


def test_quote_and_credit_card_threshold(client, trainer):
    headers = trainer["headers"]
    session_id = new_request(client, headers, participants=2)
    assert client.get(f"/sessions/{session_id}/quote", headers=headers).json == {
        "participant_count": 2, "unit_price": "2.00", "total": "4.00", "currency": "CAD", "credit_card_allowed": False,
        "card_minimum": "5.00"}
    refused = client.post(f"/sessions/{session_id}/submit", json={"payment_method": "credit_card",
                                                                 "billed_to": "individual"}, headers=headers)
    assert refused.status_code == 422 and "payment_method" in refused.json["error"]["fields"]
    assert status(client, session_id, headers) == "new"
    client.post(f"/sessions/{session_id}/participants", json=participant_form(first_name="Trois"), headers=headers)
    assert client.get(f"/sessions/{session_id}/quote", headers=headers).json["credit_card_allowed"] is True
    accepted = client.post(f"/sessions/{session_id}/submit", json={"payment_method": "credit_card",
                                                                  "billed_to": "individual"}, headers=headers)
    assert accepted.status_code == 202 and accepted.json["status"] == "submitted"


@pytest.mark.parametrize("body, field", [({}, "payment_method"),
                                         ({"payment_method": "bitcoin", "billed_to": "individual"}, "payment_method"),
                                         ({"payment_method": "cheque", "billed_to": "boss"}, "billed_to")])
def test_submit_bad_input(client, trainer, body, field):
    session_id = new_request(client, trainer["headers"], participants=1)
    response = client.post(f"/sessions/{session_id}/submit", json=body, headers=trainer["headers"])
    assert response.status_code == 422 and field in response.json["error"]["fields"]


def test_submit_needs_a_participant(client, trainer):
    session_id = new_request(client, trainer["headers"], participants=0)
    response = client.post(f"/sessions/{session_id}/submit", json=SUBMIT_CHEQUE, headers=trainer["headers"])
    assert response.status_code == 422 and "participants" in response.json["error"]["fields"]


def test_submit_stages_the_event_billing_and_the_notifier_need(client, trainer, db):
    headers = trainer["headers"]
    session_id = new_request(client, headers, trainer_email="moi@exemple.qc.ca")
    assert client.post(f"/sessions/{session_id}/submit", json=SUBMIT_CHEQUE, headers=headers).status_code == 202
    [event] = outbox(db, session_id, "cards.session_submitted")
    payload = event["payload"]
    assert event["producer"] == "cards"
    assert payload["trainer"] == {"user_id": trainer["user_id"], "card_number": trainer["card_number"],
                                  "first_name": "Claude", "last_name": "Éthier", "email": "moi@exemple.qc.ca"}
    assert (payload["participant_count"], payload["unit_price"], payload["total"], payload["currency"]) == \
        (3, "2.00", "6.00", "CAD")
    assert payload["payment_method"] == "cheque"
    assert payload["bill_to"]["kind"] == "organization"
    assert payload["bill_to"]["name"] == "CISSS de la Montérégie-Centre"
    assert payload["bill_to"]["email"] == payload["delivery"]["email"] == "sst@exemple.qc.ca"
    assert payload["delivery"]["postal_code"] == "H2X 1Y4"
    again = client.post(f"/sessions/{session_id}/submit", json=SUBMIT_CHEQUE, headers=headers)
    assert again.status_code == 409 and len(outbox(db, session_id, "cards.session_submitted")) == 1


def test_billing_events_move_the_status_forward_only(client, trainer, db, staff):
    headers = trainer["headers"]
    session_id = new_request(client, headers)
    client.post(f"/sessions/{session_id}/submit", json=SUBMIT_CHEQUE, headers=headers)
    issued = billing(db, "billing.invoice_issued", session_id)
    assert status(client, session_id, headers) == "invoiced"
    deliver(db, issued)  # duplicate (a redelivery without the inbox): no second effect
    paid = billing(db, "billing.invoice_paid", session_id)
    body = client.get(f"/sessions/{session_id}", headers=headers).json
    assert body["status"] == "paid" and body["invoice"] == {"id": "inv-1", "number": "F-0001", "voided": False}
    deliver(db, paid)
    billing(db, "billing.invoice_issued", session_id)  # very late
    assert status(client, session_id, headers) == "paid"
    [cards_issued] = outbox(db, session_id, "cards.cards_issued")
    assert cards_issued["payload"]["attestation_count"] == 3
    attestations = client.get(f"/sessions/{session_id}/attestations", headers=headers).json
    assert attestations["total"] == 3 and len({a["code"] for a in attestations["items"]}) == 3
    actions = audit_actions(client, session_id, staff)
    assert actions.count("paid") == 1 and actions.count("invoiced") == 1 and actions.count("cards_issued") == 1


def test_paid_before_issued_gives_paid_and_the_late_issue_changes_nothing(client, trainer, db):
    headers = trainer["headers"]
    session_id = new_request(client, headers, participants=1)
    client.post(f"/sessions/{session_id}/submit", json=SUBMIT_CHEQUE, headers=headers)
    billing(db, "billing.invoice_paid", session_id)
    billing(db, "billing.invoice_issued", session_id)
    body = client.get(f"/sessions/{session_id}", headers=headers).json
    assert body["status"] == "paid" and body["invoiced_at"] is None
    assert len(outbox(db, session_id, "cards.cards_issued")) == 1


def test_payment_after_cancellation_does_not_revive_the_request(client, trainer, db, staff):
    headers = trainer["headers"]
    session_id = new_request(client, headers, participants=1)
    client.post(f"/sessions/{session_id}/submit", json=SUBMIT_CHEQUE, headers=headers)
    billing(db, "billing.invoice_issued", session_id)
    cancelled = client.post(f"/sessions/{session_id}/cancel", json={"reason": "Session annulée"}, headers=headers)
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    [event] = outbox(db, session_id, "cards.session_cancelled")
    assert event["payload"] == {"session_id": session_id, "cancelled_by": trainer["user_id"],
                                "reason": "Session annulée"}
    billing(db, "billing.invoice_voided", session_id, reason="cancelled")
    billing(db, "billing.invoice_paid", session_id)
    body = client.get(f"/sessions/{session_id}", headers=headers).json
    assert body["status"] == "cancelled" and body["invoice"]["voided"] is True
    assert outbox(db, session_id, "cards.cards_issued") == []
    actions = audit_actions(client, session_id, staff)
    assert {"cancelled", "invoice_voided", "paid_after_cancel"} <= set(actions)
    assert client.post(f"/sessions/{session_id}/cancel", json={}, headers=headers).status_code == 409


def test_billing_event_for_an_unknown_session_is_ignored(db):
    """Billing's events for a request cards does not know change nothing: no request, no audit, no event."""
    with db.reading() as session:
        outbox_before = session.scalar(select(func.count(OutboxMessage.id)))
    for event_type in ("billing.invoice_issued", "billing.invoice_paid", "billing.invoice_voided"):
        billing(db, event_type, "no-such-session")
    with db.reading() as session:
        assert session.get(CardSession, "no-such-session") is None
        assert session.scalars(select(AuditEntry).where(AuditEntry.session_id == "no-such-session")).all() == []
        assert session.scalars(select(Attestation).where(Attestation.session_id == "no-such-session")).all() == []
        assert session.scalar(select(func.count(OutboxMessage.id))) == outbox_before


def test_ship_once_paid_then_attestation_pdfs(client, trainer, db, staff):
    headers = trainer["headers"]
    session_id = new_request(client, headers, second_trainer={"card_number": "trem456-01", "first_name": "Marie",
                                                              "last_name": "Tremblay"})
    client.post(f"/sessions/{session_id}/submit", json=SUBMIT_CHEQUE, headers=headers)
    early = client.post(f"/sessions/{session_id}/ship", headers=staff["headers"])
    assert early.status_code == 409
    assert client.get(f"/sessions/{session_id}/attestations.pdf", headers=headers).status_code == 409
    billing(db, "billing.invoice_paid", session_id)
    sheet = client.get(f"/sessions/{session_id}/attestations.pdf", headers=headers)
    assert sheet.status_code == 200 and sheet.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(sheet.data)).pages)
    codes = [a["code"] for a in client.get(f"/sessions/{session_id}/attestations", headers=headers).json["items"]]
    for code in codes:
        assert code in text
    assert "Personne0 Lévesque" in text and "Claude Éthier, Marie Tremblay" in text
    assert "PDSB — Principes pour le déplacement sécuritaire" in text
    one = client.get(f"/attestations/{codes[0]}/pdf", headers=headers)
    assert one.status_code == 200 and codes[0] in PdfReader(io.BytesIO(one.data)).pages[0].extract_text()
    shipped = client.post(f"/sessions/{session_id}/ship", headers=staff["headers"])
    assert shipped.status_code == 200 and shipped.json["status"] == "shipped"
    [event] = outbox(db, session_id, "cards.session_shipped")
    assert event["payload"]["participant_count"] == 3 and event["payload"]["email"] == "sst@exemple.qc.ca"
    assert client.post(f"/sessions/{session_id}/ship", headers=staff["headers"]).status_code == 409
    assert client.post(f"/sessions/{session_id}/cancel", json={}, headers=staff["headers"]).status_code == 409


def test_public_verification_shows_only_what_is_printed(client, trainer, db, tokens):
    headers = trainer["headers"]
    session_id = new_request(client, headers, participants=1)
    client.post(f"/sessions/{session_id}/submit", json=SUBMIT_CHEQUE, headers=headers)
    billing(db, "billing.invoice_paid", session_id)
    listed = client.get(f"/sessions/{session_id}/attestations", headers=headers).json["items"][0]
    code = listed["code"]
    assert listed["verification_url"] == f"https://guichet.exemple.ca/attestations/{code}"  # CARDS_PUBLIC_BASE_URL
    response = client.get(f"/attestations/{code.lower().replace('-', '')}")
    assert response.status_code == 200
    assert set(response.json) == {"code", "status", "name", "activity", "activity_en", "date", "trainer"}
    assert response.json["status"] == "valid" and response.json["name"] == "Personne0 Lévesque"
    assert response.json["trainer"] == "Claude Éthier"
    assert client.get("/attestations/ZZZZ-ZZZZ-ZZZZ").status_code == 404
    other = tokens.headers("someone-else", ["trainer"])
    assert client.get(f"/attestations/{code}/pdf", headers=other).status_code == 404
    assert client.get(f"/sessions/{session_id}/attestations.pdf", headers=other).status_code == 404


def test_verification_is_throttled_per_client(db, tokens):
    config = load_config(database_url=db.url, extra={"VERIFY_MAX_FAILURES": "3", "VERIFY_WINDOW_SECONDS": "60",
                                                     "TRUSTED_PROXY_HOPS": "1"})
    client = create_app(config, db=db, token_verifier=tokens.verifier()).test_client()
    attacker = {"X-Forwarded-For": "203.0.113.7"}
    for _ in range(3):
        assert client.get("/attestations/AAAA-BBBB-CCCC", headers=attacker).status_code == 404
    blocked = client.get("/attestations/AAAA-BBBB-CCCC", headers=attacker)
    assert blocked.status_code == 429 and 1 <= int(blocked.headers["Retry-After"]) <= 61
    assert blocked.json["error"]["code"] == "too_many_requests"
    assert client.get("/attestations/AAAA-BBBB-CCCC", headers={"X-Forwarded-For": "198.51.100.9"}).status_code == 404


def test_staff_search_and_reissue(client, trainer, db, staff, tokens):
    headers = trainer["headers"]
    session_id = new_request(client, headers, participants=2)
    client.post(f"/sessions/{session_id}/submit", json=SUBMIT_CHEQUE, headers=headers)
    billing(db, "billing.invoice_paid", session_id)
    found = client.get("/participants?last_name=LEVESQUE&birth_date=1985-04-12", headers=staff["headers"]).json
    mine = [p for p in found["items"] if p["session"]["id"] == session_id]
    assert len(mine) == 1 and mine[0]["last_name"] == "Lévesque"
    old_code = mine[0]["attestations"][0]["code"]
    wrong_birthday = client.get("/participants?last_name=levesque&birth_date=1999-01-01", headers=staff["headers"])
    assert session_id not in [p["session"]["id"] for p in wrong_birthday.json["items"]]
    assert client.get("/participants?last_name=levesque", headers=headers).status_code == 403
    assert client.get("/participants", headers=staff["headers"]).status_code == 422
    assert client.get("/participants?last_name=x&birth_date=nope", headers=staff["headers"]).status_code == 422
    assert client.post(f"/attestations/{old_code}/reissue", headers=headers).status_code == 403
    reissued = client.post(f"/attestations/{old_code}/reissue", headers=staff["headers"])
    assert reissued.status_code == 201 and reissued.json["code"] != old_code and reissued.json["status"] == "valid"
    assert client.get(f"/attestations/{old_code}").json["status"] == "revoked"
    assert client.get(f"/attestations/{reissued.json['code']}").json["status"] == "valid"
    assert client.post(f"/attestations/{old_code}/reissue", headers=staff["headers"]).status_code == 409
    sheet = client.get(f"/sessions/{session_id}/attestations.pdf", headers=headers)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(sheet.data)).pages)
    assert reissued.json["code"] in text and old_code not in text
    audit = client.get(f"/audit?session_id={session_id}", headers=staff["headers"]).json["items"]
    assert audit[0]["action"] == "reissued" and audit[0]["actor_id"] == staff["user_id"]
    assert audit[0]["details"]["old_code"] == old_code
    assert client.get(f"/audit?session_id={session_id}", headers=headers).status_code == 403


def test_throttle_window_ends_and_old_clients_are_forgotten(db):
    throttle = Throttle(db, max_failures=2, window_seconds=60)
    past = datetime.now(UTC) - timedelta(minutes=5)
    for _ in range(2):
        throttle.record_failure("old-client", now=past)
    with pytest.raises(TooManyRequests) as blocked:
        throttle.check("old-client", now=past + timedelta(seconds=10))
    assert blocked.value.status == 429 and blocked.value.headers["Retry-After"] == "51"
    throttle.check("old-client")  # its window is over: allowed again
    throttle.record_failure("new-client")
    with db.reading() as session:
        assert session.get(VerificationThrottle, "old-client") is None
        assert session.get(VerificationThrottle, "new-client").failures == 1
