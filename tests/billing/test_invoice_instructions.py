"""The invoice_issued event carries what the PDF prints under "Comment payer", so that the email says
the same instead of "ask support for the bank details" (issue 16, 13)."""
from __future__ import annotations

import pytest

from services.billing.consumers.sessions import handler_settings
from tests.billing.support import issue, outbox_events, pdf_text_from_event

pytestmark = pytest.mark.integration


def test_a_direct_deposit_invoice_event_carries_the_bank_details_printed_on_its_pdf(db):
    invoice = issue(db, participant_count=3, payment_method="direct_deposit")
    [event] = outbox_events(db, "billing.invoice_issued", invoice_id=invoice.id)
    payload, text = event["payload"], pdf_text_from_event(event)
    assert payload["bank_details"] == list(handler_settings().seller.bank_details) and payload["bank_details"]
    assert all(line in text for line in payload["bank_details"])
    assert payload["cheque_payable_to"] is None and payload["cheque_address"] is None


def test_a_cheque_invoice_event_carries_the_payee_and_address_printed_on_its_pdf(db):
    invoice = issue(db, participant_count=3, payment_method="cheque")
    [event] = outbox_events(db, "billing.invoice_issued", invoice_id=invoice.id)
    payload, text = event["payload"], " ".join(pdf_text_from_event(event).split())
    settings = handler_settings()
    assert payload["cheque_payable_to"] == settings.seller.name
    assert payload["cheque_address"] == list(settings.seller.address)
    assert all(" ".join(line.split()) in text for line in payload["cheque_address"])
    assert payload["bank_details"] is None


def test_a_credit_card_invoice_event_carries_no_bank_nor_cheque_details(db):
    invoice = issue(db, participant_count=3, payment_method="credit_card")
    [event] = outbox_events(db, "billing.invoice_issued", invoice_id=invoice.id)
    assert {key: event["payload"][key] for key in ("bank_details", "cheque_payable_to", "cheque_address")} == {
        "bank_details": None, "cheque_payable_to": None, "cheque_address": None}
