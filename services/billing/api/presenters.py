"""Rows -> response dicts (the schemas in ``api.schemas`` dump them)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.billing.config import BillingSettings
from services.billing.db.models import AuditEntry, Invoice, Payment, PaymentAllocation
from services.billing.operations.clock import as_utc
from services.billing.operations.invoices import pay_url_for


def _utc(value):
    return as_utc(value) if value is not None else None


def invoice_view(invoice: Invoice, settings: BillingSettings, session: Session | None = None) -> dict:
    view = {
        "id": invoice.id, "number": invoice.number, "session_id": invoice.session_id,
        "owner_user_id": invoice.owner_user_id, "issued_at": _utc(invoice.issued_at),
        "lines": [{"description": line.description, "quantity": line.quantity, "unit_price": line.unit_price,
                   "amount": line.amount} for line in invoice.lines],
        "total": invoice.total, "amount_paid": invoice.amount_paid, "balance": invoice.balance,
        "currency": invoice.currency, "billed_to": invoice.bill_to, "payment_method": invoice.payment_method,
        "status": invoice.status, "refund_due": invoice.refund_due,
        "credit_card_allowed": invoice.status == "open" and invoice.balance >= invoice.card_minimum,
        "pay_url": pay_url_for(invoice, settings),
        "session": {"organization_name": invoice.organization_name, "activity_label": invoice.activity_label,
                    "end_date": invoice.session_end_date},
        "paid_at": _utc(invoice.paid_at), "voided_at": _utc(invoice.voided_at),
        "session_cancelled_at": _utc(invoice.session_cancelled_at),
    }
    if session is not None:
        rows = session.execute(
            select(PaymentAllocation.amount, Payment).join(Payment, Payment.id == PaymentAllocation.payment_id)
            .where(PaymentAllocation.invoice_id == invoice.id).order_by(Payment.created_at)).all()
        view["payments"] = [{"id": payment.id, "method": payment.method, "amount": amount,
                             "reference": payment.reference, "received_on": payment.received_on,
                             "card_brand": payment.card_brand, "card_last4": payment.card_last4}
                            for amount, payment in rows]
    return view


def payment_view(payment: Payment) -> dict:
    return {
        "id": payment.id, "method": payment.method, "amount": payment.amount, "currency": payment.currency,
        "reference": payment.reference, "received_on": payment.received_on, "card_brand": payment.card_brand,
        "card_last4": payment.card_last4, "recorded_by": payment.recorded_by, "created_at": _utc(payment.created_at),
        "allocations": [{"invoice_id": a.invoice.id, "number": a.invoice.number, "amount": a.amount,
                         "balance": a.invoice.balance, "status": a.invoice.status} for a in payment.allocations],
    }


def audit_view(entry: AuditEntry) -> dict:
    return {"id": entry.id, "occurred_at": _utc(entry.occurred_at), "actor_id": entry.actor_id,
            "action": entry.action, "invoice_id": entry.invoice_id, "payment_id": entry.payment_id,
            "details": entry.details, "note": entry.note}
