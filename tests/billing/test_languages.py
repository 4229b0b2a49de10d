"""Billing speaks the caller's language: French by default, English for ``Accept-Language: en``, in the
error's message and its field messages alike; an invoice (its PDF, its lines) speaks its own language."""
from __future__ import annotations

import pytest

from tests.billing.conftest import trainer_headers
from tests.billing.support import issue, outbox_events, pdf_text, pdf_text_from_event

pytestmark = pytest.mark.integration

ENGLISH = {"Accept-Language": "en"}


def one_line(text: str) -> str:
    return " ".join(text.split())  # no-break spaces and line breaks as plain spaces


def test_an_error_without_accept_language_is_french(client, db, staff_headers):
    invoice = issue(db, participant_count=2)
    response = client.post(f"/invoices/{invoice.id}/payments", json={"method": "cheque"}, headers=staff_headers)
    assert response.status_code == 422 and response.headers["Content-Language"] == "fr"
    error = response.json["error"]
    assert error["message"] == "Certains champs sont invalides."
    assert error["fields"] == {"amount": ["Champ requis pour ce mode de paiement."],
                               "reference": ["Champ requis pour ce mode de paiement."]}


def test_an_error_for_accept_language_en_is_english(client, db, staff_headers):
    invoice = issue(db, participant_count=2)
    response = client.post(f"/invoices/{invoice.id}/payments", json={"method": "cheque", "amount": "abc",
                                                                     "reference": "C-1", "bogus": 1},
                           headers={**staff_headers, **ENGLISH})
    assert response.status_code == 422 and response.headers["Content-Language"] == "en"
    error = response.json["error"]
    assert error["message"] == "Some fields are invalid."
    assert error["fields"] == {"amount": ['Invalid amount: a positive number with at most two decimals, e.g. "24.00".'],
                               "bogus": ["Unknown field."]}


def test_an_overpayment_names_its_amounts_in_the_callers_language(client, db, staff_headers):
    invoice = issue(db, participant_count=2)  # 4.00
    body = {"method": "cheque", "amount": "1234.50", "reference": "C-9"}
    french = client.post(f"/invoices/{invoice.id}/payments", json=body, headers=staff_headers).json["error"]
    assert french["message"] == "Trop-perçu refusé."
    assert [one_line(message) for message in french["fields"]["amount"]] == [
        f"Le montant (1 234,50 $) dépasse le solde de la facture {invoice.number} (4,00 $)."]
    english = client.post(f"/invoices/{invoice.id}/payments", json=body,
                          headers={**staff_headers, **ENGLISH}).json["error"]
    assert english["message"] == "Overpayment refused."
    assert english["fields"]["amount"] == [
        f"The amount ($1,234.50) exceeds the balance of invoice {invoice.number} ($4.00)."]


def test_an_english_invoice_reads_in_english(client, tokens, db):
    invoice = issue(db, participant_count=7, payment_method="cheque", language="en")
    text = one_line(pdf_text(client.get(f"/invoices/{invoice.id}/pdf",
                                        headers=trainer_headers(tokens, invoice.owner_user_id)).data))
    for expected in (f"INVOICE {invoice.number}", f"Invoice number: {invoice.number}", "Status: Due", "Bill to",
                     "Attention: Marie Tremblay", "Training cards — ", "(February 27, 2026)", "Unit price",
                     "$2.00", "$14.00", "Balance due (CAD)", "How to pay", f"invoice number {invoice.number} on it",
                     "Cards are shipped once payment is received."):
        assert expected in text, expected
    for french in ("FACTURE", "Solde", "Facturé", "Cartes de formation", "14,00", "février"):
        assert french not in text, french
    [event] = outbox_events(db, "billing.invoice_issued", invoice_id=invoice.id)
    assert f"INVOICE {invoice.number}" in one_line(pdf_text_from_event(event))  # the numbered copy too


def test_an_english_invoice_names_the_activity_in_english_when_it_has_an_english_label(client, tokens, db):
    english = issue(db, participant_count=2, language="en", activity_label_en="Safe patient handling (PDSB)")
    french = issue(db, participant_count=2, language="fr", activity_label_en="Safe patient handling (PDSB)")
    unnamed = issue(db, participant_count=2, language="en")  # an activity without an English label
    assert english.lines[0].description.startswith("Training cards — Safe patient handling (PDSB), ")
    assert french.lines[0].description.startswith("Cartes de formation — Principes de déplacement sécuritaire")
    assert unnamed.lines[0].description.startswith("Training cards — Principes de déplacement sécuritaire")


def test_a_french_invoice_reads_in_french(client, tokens, db):
    invoice = issue(db, participant_count=7, payment_method="direct_deposit")
    text = one_line(pdf_text(client.get(f"/invoices/{invoice.id}/pdf",
                                        headers={**trainer_headers(tokens, invoice.owner_user_id), **ENGLISH}).data))
    for expected in (f"FACTURE {invoice.number}", f"Numéro de facture : {invoice.number}", "Statut : À payer",
                     "Facturé à", "À l'attention de : Marie Tremblay", "Cartes de formation — ", "(27 février 2026)",
                     "Prix unitaire", "2,00 $", "14,00 $", "Solde à payer (CAD)", "Comment payer",
                     f"Référence : {invoice.number}"):
        assert expected in text, expected
    for english in ("INVOICE", "Balance", "Bill to", "Training cards", "$14.00", "February"):
        assert english not in text, english


def test_a_paid_english_invoice_says_so_in_english(client, tokens, db, staff_headers):
    invoice = issue(db, participant_count=2, language="en")
    paid = client.post(f"/invoices/{invoice.id}/payments", json={"method": "cheque", "amount": "4.00",
                                                                  "reference": "C-2"}, headers=staff_headers)
    assert paid.status_code == 201, paid.json
    text = one_line(pdf_text(client.get(f"/invoices/{invoice.id}/pdf",
                                        headers=trainer_headers(tokens, invoice.owner_user_id)).data))
    assert "Status: Paid" in text and "Invoice paid: nothing is left to pay. Thank you!" in text
    assert "Paid (CAD) $4.00" in text and "Balance due (CAD) $0.00" in text
