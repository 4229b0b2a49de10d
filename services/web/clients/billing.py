"""The billing service (`/api/billing`): invoices, their PDF, card payments, staff payments."""
from __future__ import annotations

import uuid

S = "billing"


def list_invoices(api, **params) -> dict:
    return api.get(S, "/invoices", params={k: v for k, v in params.items() if v not in (None, "")})


def get_invoice(api, invoice_id: str) -> dict:
    return api.get(S, f"/invoices/{invoice_id}")


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
    return api.get(S, "/payments", params={k: v for k, v in params.items() if v not in (None, "")})
