"""The credit-card minimum (C9) is one setting, ``CARDS_CARD_MINIMUM``: cards quotes and refuses with it, and
billing applies the minimum the submission carried to the invoice (its flag, its refusal, its PDF)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from chassis.bus.tables import OutboxMessage
from chassis.db import Database
from services.billing.db.models import Invoice
from services.cards.app import create_app as create_cards_app
from services.cards.config import load_config as load_cards_config
from tests.billing.conftest import trainer_headers
from tests.billing.support import feed, pdf_text, submitted_payload
from tests.cards.helpers import participant_form, seed_trainer, session_form
from tests.infra import migrated_database

pytestmark = pytest.mark.integration
CARD = {"number": "4242 4242 4242 4242", "exp_month": 12, "exp_year": 2031, "cvc": "123", "holder": "Claude Éthier"}


@pytest.fixture(scope="module")
def cards_db():
    database = Database(migrated_database("cards", "cards_card_minimum"))
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def cards(cards_db, tokens):
    """The cards service as an operator set it up: ``CARDS_CARD_MINIMUM=10.00``."""
    config = load_cards_config(database_url=cards_db.url, extra={"CARD_MINIMUM": "10.00"})
    return create_cards_app(config, db=cards_db, token_verifier=tokens.verifier()).test_client()


def submitted_event(cards_db, session_id: str) -> dict:
    with cards_db.reading() as session:
        rows = session.scalars(select(OutboxMessage.envelope)
                               .where(OutboxMessage.event_type == "cards.session_submitted")).all()
    [payload] = [row["payload"] for row in rows if row["payload"]["session_id"] == session_id]
    return payload


def test_an_operators_minimum_holds_in_cards_and_in_billing(cards, cards_db, tokens, db, client):
    trainer = seed_trainer(cards_db)
    headers = tokens.headers(trainer["user_id"], ["trainer"])
    session_id = cards.post("/sessions", json=session_form(), headers=headers).json["id"]
    for index in range(4):  # $8.00: above the default $5.00, below the operator's $10.00
        person = participant_form(first_name=f"Personne{index}", last_name=f"Nom{index}")
        assert cards.post(f"/sessions/{session_id}/participants", json=person, headers=headers).status_code == 201

    quote = cards.get(f"/sessions/{session_id}/quote", headers=headers).json
    assert quote["total"] == "8.00" and quote["credit_card_allowed"] is False and quote["card_minimum"] == "10.00"
    refused = cards.post(f"/sessions/{session_id}/submit", json={"payment_method": "credit_card",
                                                                "billed_to": "individual"}, headers=headers)
    assert refused.status_code == 422
    assert "10,00\xa0$" in refused.json["error"]["fields"]["payment_method"][0]
    assert cards.get(f"/sessions/{session_id}", headers=headers).json["status"] == "new"

    submitted = cards.post(f"/sessions/{session_id}/submit", json={"payment_method": "cheque",
                                                                  "billed_to": "individual"}, headers=headers)
    assert submitted.status_code == 202
    payload = submitted_event(cards_db, session_id)
    assert payload["card_minimum"] == "10.00" and payload["total"] == "8.00"

    # billing invoices that submission (as a card one, to test the card path) and applies its minimum
    feed(db, "cards.session_submitted", {**payload, "payment_method": "credit_card"})
    with db.reading() as session:
        invoice_id = session.scalar(select(Invoice.id).where(Invoice.session_id == session_id))
    owner = trainer_headers(tokens, trainer["user_id"])
    invoice = client.get(f"/invoices/{invoice_id}", headers=owner).json
    assert invoice["balance"] == "8.00" and invoice["credit_card_allowed"] is False
    paid = client.post(f"/invoices/{invoice_id}/payments", json={"method": "credit_card", "card": CARD},
                       headers={**owner, "Idempotency-Key": f"min-{session_id}"})
    assert paid.status_code == 422 and paid.json["error"]["code"] == "balance_below_card_minimum"
    assert "10,00\xa0$" in paid.json["error"]["message"]
    pdf = pdf_text(client.get(f"/invoices/{invoice_id}/pdf", headers=owner).data)
    assert "solde minimal de 10,00 $" in " ".join(pdf.split())


def test_an_event_from_before_the_field_keeps_the_old_minimum(db, client, tokens):
    payload = submitted_payload(participant_count=3, payment_method="credit_card")  # $6.00, no card_minimum
    assert "card_minimum" not in payload
    feed(db, "cards.session_submitted", payload)
    with db.reading() as session:
        invoice = session.scalars(select(Invoice).where(Invoice.session_id == payload["session_id"])).one()
    assert str(invoice.card_minimum) == "5.00"
    view = client.get(f"/invoices/{invoice.id}", headers=trainer_headers(tokens, payload["trainer"]["user_id"])).json
    assert view["credit_card_allowed"] is True
