"""Invoices: issued from ``cards.session_submitted``, voided (or marked for a refund) on
``cards.session_cancelled``, drawn as PDF. Runs inside the caller's transaction.
"""
from __future__ import annotations

import base64
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.billing import events
from services.billing.config import BillingSettings
from services.billing.db.models import CancelledSession, Invoice, InvoiceCounter, InvoiceLine
from services.billing.domain.document import DocumentLine, InvoiceDocument, Seller
from services.billing.domain.lines import card_lines, checked_total
from services.billing.domain.money import ZERO, money_text, to_money
from services.billing.domain.numbering import format_invoice_number
from services.billing.domain.pdf import render_invoice_pdf
from services.billing.operations.audit import SYSTEM_ACTOR, audit
from services.billing.operations.clock import local_date, montreal_today, utc_now
from services.billing.operations.dialect import insert_ignoring_conflict


def locked_invoice(session: Session, **criteria) -> Invoice | None:
    """The invoice row, locked until the end of the transaction (``FOR UPDATE``; no-op on SQLite)."""
    statement = select(Invoice).filter_by(**criteria).with_for_update().execution_options(populate_existing=True)
    return session.execute(statement).scalar_one_or_none()


def next_invoice_number(session: Session, year: int) -> str:
    """Takes the next number of ``year``; the counter row stays locked until commit, so numbers
    have no gap (a rollback gives the number back) and no duplicate (one holder at a time)."""
    insert_ignoring_conflict(session, InvoiceCounter.__table__, {"year": year, "last_number": 0})
    counter = session.execute(
        select(InvoiceCounter).where(InvoiceCounter.year == year).with_for_update()
        .execution_options(populate_existing=True)).scalar_one()
    counter.last_number += 1
    return format_invoice_number(year, counter.last_number)


def issue_invoice(session: Session, payload: dict, settings: BillingSettings) -> Invoice | None:
    """One invoice per session: returns None when it exists already or the session was cancelled."""
    session_id = payload["session_id"]
    if session.scalar(select(Invoice.id).where(Invoice.session_id == session_id)):
        return None
    if session.get(CancelledSession, session_id) is not None:
        return None
    lines = card_lines(payload["participant_count"], Decimal(payload["unit_price"]), payload["activity_label"],
                       payload["end_date"], payload["organization_name"])
    total = checked_total(lines, Decimal(payload["total"]))
    bill_to = dict(payload["bill_to"])
    # Everything above is prepared before the counter is locked, to hold the lock briefly.
    number = next_invoice_number(session, montreal_today().year)
    invoice = Invoice(
        number=number, session_id=session_id, owner_user_id=payload["trainer"]["user_id"], status="open",
        payment_method=payload["payment_method"], currency=payload["currency"], total=total, amount_paid=ZERO,
        balance=total, refund_due=ZERO, language=payload.get("language") or "fr", bill_to=bill_to,
        trainer=dict(payload["trainer"]), organization_name=payload["organization_name"],
        activity_label=payload["activity_label"], session_end_date=_date(payload["end_date"]),
        issued_at=utc_now(),
        lines=[InvoiceLine(position=index, description=line.description, quantity=line.quantity,
                           unit_price=line.unit_price, amount=line.amount) for index, line in enumerate(lines, 1)],
    )
    session.add(invoice)
    session.flush()
    pdf = invoice_pdf(invoice, settings)
    events.emit(session, events.INVOICE_ISSUED, {
        "invoice_id": invoice.id, "number": number, "session_id": session_id,
        "customer_user_id": invoice.owner_user_id, "email": bill_to["email"], "name": bill_to["name"],
        "attention": bill_to.get("attention"), "trainer_email": invoice.trainer.get("email"),
        "total": money_text(total), "balance": money_text(total), "currency": invoice.currency,
        "payment_method": invoice.payment_method, "pay_url": pay_url_for(invoice, settings),
        "issued_on": local_date(invoice.issued_at).isoformat(), "pdf_filename": f"facture-{number}.pdf",
        "pdf_base64": base64.b64encode(pdf).decode("ascii"), "language": invoice.language,
    })
    return invoice


def cancel_for_session(session: Session, payload: dict) -> Invoice | None:
    """Voids the invoice of a cancelled session while nothing was paid on it. Money already
    received is recorded as owed back (``refund_due``): a paid invoice stays paid."""
    session_id, actor = payload["session_id"], payload["cancelled_by"]
    invoice = locked_invoice(session, session_id=session_id)
    if invoice is None:
        insert_ignoring_conflict(session, CancelledSession.__table__,
                                 {"session_id": session_id, "cancelled_by": actor, "cancelled_at": utc_now()})
        return None
    if invoice.session_cancelled_at is not None or invoice.status == "void":
        return invoice
    now = utc_now()
    invoice.session_cancelled_at = now
    if invoice.amount_paid > ZERO:
        invoice.refund_due = invoice.amount_paid
        audit(session, SYSTEM_ACTOR, "refund_due", invoice_id=invoice.id,
              details={"number": invoice.number, "amount": money_text(invoice.amount_paid),
                       "cancelled_by": actor, "reason": payload.get("reason")},
              note="Session annulée après paiement : remboursement à faire. / "
                   "Session cancelled after payment: refund to be made.")
    if invoice.status == "open":
        invoice.status, invoice.voided_at, invoice.balance = "void", now, ZERO
        audit(session, SYSTEM_ACTOR, "invoice_voided", invoice_id=invoice.id,
              details={"number": invoice.number, "cancelled_by": actor, "reason": payload.get("reason")})
        events.emit(session, events.INVOICE_VOIDED, {
            "invoice_id": invoice.id, "number": invoice.number, "session_id": session_id,
            "customer_user_id": invoice.owner_user_id, "reason": payload.get("reason"),
            "refund_due": money_text(invoice.refund_due),
        })
    return invoice


def pay_url_for(invoice: Invoice, settings: BillingSettings) -> str | None:
    if invoice.payment_method != "credit_card":
        return None
    return settings.pay_url(invoice.id, invoice.number)


def seller_of(settings: BillingSettings) -> Seller:
    return Seller(name=settings.seller_name, address=settings.seller_address, contact=settings.seller_contact,
                  bank_details=settings.bank_details)


def invoice_document(invoice: Invoice, settings: BillingSettings) -> InvoiceDocument:
    summary = f"{invoice.activity_label} — {invoice.organization_name} — {invoice.session_end_date.isoformat()}"
    return InvoiceDocument(
        number=invoice.number, issued_on=local_date(invoice.issued_at), status=invoice.status,
        language=invoice.language, payment_method=invoice.payment_method, currency=invoice.currency,
        bill_to=invoice.bill_to,
        lines=tuple(DocumentLine(line.description, line.quantity, to_money(line.unit_price), to_money(line.amount))
                    for line in invoice.lines),
        total=to_money(invoice.total), amount_paid=to_money(invoice.amount_paid), balance=to_money(invoice.balance),
        pay_url=pay_url_for(invoice, settings), session_summary=summary)


def invoice_pdf(invoice: Invoice, settings: BillingSettings) -> bytes:
    return render_invoice_pdf(invoice_document(invoice, settings), seller_of(settings))


def _date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
