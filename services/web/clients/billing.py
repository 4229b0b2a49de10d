"""The billing service (`/api/billing`): invoices, their PDF, card payments, staff payments."""
from __future__ import annotations

import uuid

from services.web.clients.collection import Collection, given

S = "billing"


_invoices = Collection(S, "/invoices")
list_invoices, get_invoice = _invoices.list, _invoices.get


def invoice_pdf(api, invoice_id: str):
    return api.get(S, f"/invoices/{invoice_id}/pdf", raw=True)


def pay_by_card(api, invoice_id: str, card: dict, idempotency_key: str | None = None) -> dict:
    """The card data goes straight to billing in this one call; nothing here keeps it."""
    return api.post(S, f"/invoices/{invoice_id}/payments", json={"method": "credit_card", "card": card},
                    headers={"Idempotency-Key": idempotency_key or uuid.uuid4().hex})


def record_payment(api, invoice_id: str, method: str, amount: str, reference: str, received_on: str | None) -> dict:
    body = {"method": method, "amount": amount, "reference": reference}
    if received_on:
        body["received_on"] = received_on
    return api.post(S, f"/invoices/{invoice_id}/payments", json=body,
                    headers={"Idempotency-Key": uuid.uuid4().hex})


def list_payments(api, **params) -> dict:
    return api.get(S, "/payments", params=given(**params))


def stats(api, period: dict) -> dict:
    """Open balances by age and payments by method and month (``period`` as for ``cards.stats``)."""
    return api.get(S, "/stats", params=given(**period))
