"""Billing's part of a data export (Law 25): the person's invoices, their lines, and the payments made on
them. Of a card, only its brand and last 4 digits exist here (no column holds more). Trainees are never
billed: a trainee without an account has nothing here."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from chassis.privacy_export import Rows, Subject, export_handlers
from services.billing.db.models import Invoice, Payment, PaymentAllocation

_INVOICE_FIELDS = ("id", "number", "session_id", "status", "payment_method", "currency", "total", "amount_paid",
                   "balance", "refund_due", "language", "bill_to", "trainer", "organization_name", "activity_label",
                   "session_end_date", "issued_at", "paid_at", "voided_at")


def collect(session: Session, subject: Subject) -> dict[str, Rows]:
    if not subject.is_account:
        return {}
    invoices = list(session.scalars(select(Invoice).where(Invoice.owner_user_id == subject.user_id)
                                    .order_by(Invoice.issued_at, Invoice.id)))
    ids = [invoice.id for invoice in invoices]
    payments = list(session.scalars(
        select(Payment).where(Payment.id.in_(select(PaymentAllocation.payment_id)
                                             .where(PaymentAllocation.invoice_id.in_(ids))))
        .order_by(Payment.received_on, Payment.id))) if ids else []
    return {
        "invoices": [{name: getattr(invoice, name) for name in _INVOICE_FIELDS} for invoice in invoices],
        "invoice_lines": [{"invoice_number": invoice.number, "position": line.position,
                           "description": line.description, "quantity": line.quantity,
                           "unit_price": line.unit_price, "amount": line.amount}
                          for invoice in invoices for line in invoice.lines],
        # Only what was paid on this person's invoices: a payment split with another person's invoice
        # shows its allocations to this person's only.
        "payments": [{"id": p.id, "method": p.method, "amount": p.amount, "currency": p.currency,
                      "reference": p.reference, "received_on": p.received_on, "card_brand": p.card_brand,
                      "card_last4": p.card_last4, "created_at": p.created_at,
                      "allocations": [{"invoice_number": a.invoice.number, "amount": a.amount}
                                      for a in p.allocations if a.invoice_id in ids]}
                     for p in payments],
    }


HANDLERS = export_handlers("billing", collect)
