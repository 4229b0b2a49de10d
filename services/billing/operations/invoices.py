"""Invoices: issued from ``cards.session_submitted``, voided (or marked for a refund) on
``cards.session_cancelled``, drawn as PDF. Runs inside the caller's transaction.
"""
from __future__ import annotations

import base64
from datetime import date
from decimal import Decimal

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from chassis.correlation import correlation_scope, current_correlation_id
from chassis.i18n import N_, format_date, language_of
from chassis.money import ZERO, money_text, to_money
from services.billing import events
from services.billing.config import BillingSettings
from services.billing.db.models import CancelledSession, Invoice, InvoiceLine
from services.billing.domain.document import DocumentLine, InvoiceDocument
from services.billing.domain.lines import card_lines, checked_total
from services.billing.operations import audit
from services.billing.operations.clock import local_date, montreal_today, utc_now
from services.billing.operations.dialect import insert_ignoring_conflict
from services.billing.operations.numbering import number_at_commit, settle

# One round trip, built once: does the session have its invoice already, or was it cancelled before it had one?
_INVOICED_OR_CANCELLED = select(or_(
    select(Invoice.id).where(Invoice.session_id == bindparam("session_id")).exists(),
    select(CancelledSession.session_id).where(CancelledSession.session_id == bindparam("session_id")).exists()))


def locked_invoice(session: Session, **criteria) -> Invoice | None:
    """The invoice row, locked until the end of the transaction (``FOR UPDATE``; no-op on SQLite)."""
    statement = select(Invoice).filter_by(**criteria).with_for_update().execution_options(populate_existing=True)
    return session.execute(statement).scalar_one_or_none()


def issue_invoice(session: Session, payload: dict, settings: BillingSettings) -> Invoice | None:
    """One invoice per session: returns None when it exists already or the session was cancelled.

    The invoice, its lines and its PDF are made here; its number, the stamped PDF and the
    ``billing.invoice_issued`` event come at the end of the transaction (``operations.numbering``).
    """
    session_id = payload["session_id"]
    if session.scalar(_INVOICED_OR_CANCELLED, {"session_id": session_id}):
        return None
    language = language_of(payload.get("language"))
    activity = (payload.get("activity_label_en") if language == "en" else None) or payload["activity_label"]
    lines = card_lines(payload["participant_count"], Decimal(payload["unit_price"]), activity,
                       payload["end_date"], payload["organization_name"], language)
    total = checked_total(lines, Decimal(payload["total"]))
    year = montreal_today().year
    invoice = Invoice(
        number=None, session_id=session_id, owner_user_id=payload["trainer"]["user_id"], status="open",
        payment_method=payload["payment_method"], currency=payload["currency"], total=total, amount_paid=ZERO,
        balance=total, refund_due=ZERO, language=language, bill_to=dict(payload["bill_to"]),
        card_minimum=to_money(payload["card_minimum"]),
        trainer=dict(payload["trainer"]), organization_name=payload["organization_name"],
        activity_label=payload["activity_label"], session_end_date=_date(payload["end_date"]),
        issued_at=utc_now(),
        lines=[InvoiceLine(position=index, description=line.description, quantity=line.quantity,
                           unit_price=line.unit_price, amount=line.amount) for index, line in enumerate(lines, 1)],
    )
    session.add(invoice)
    session.flush()
    # reportlab (about 18 MiB) loads with the first invoice drawn, not in every billing process at rest.
    from services.billing.domain.numbered_pdf import draw_unnumbered

    unnumbered_pdf = draw_unnumbered(lambda number: invoice_document(invoice, settings, number),
                                     settings.seller, year)
    correlation_id = current_correlation_id()

    def announce(session: Session, numbered: Invoice) -> None:
        pdf = (unnumbered_pdf.numbered(numbered.number) if unnumbered_pdf is not None
               else invoice_pdf(numbered, settings))
        with correlation_scope(correlation_id):  # the submission's, even when the commit comes later
            emit_invoice_issued(session, numbered, pdf, settings)

    number_at_commit(session, invoice, year, announce)
    return invoice


def emit_invoice_issued(session: Session, invoice: Invoice, pdf: bytes, settings: BillingSettings) -> None:
    bill_to = invoice.bill_to
    events.emit(session, events.INVOICE_ISSUED, {
        "invoice_id": invoice.id, "number": invoice.number, "session_id": invoice.session_id,
        "customer_user_id": invoice.owner_user_id, "email": bill_to["email"], "name": bill_to["name"],
        "attention": bill_to.get("attention"), "trainer_email": invoice.trainer.get("email"),
        "total": money_text(invoice.total), "balance": money_text(invoice.balance), "currency": invoice.currency,
        "payment_method": invoice.payment_method, "pay_url": pay_url_for(invoice, settings),
        **payment_instructions(invoice, settings),
        "issued_on": local_date(invoice.issued_at).isoformat(), "pdf_filename": f"facture-{invoice.number}.pdf",
        "pdf_base64": base64.b64encode(pdf).decode("ascii"), "language": invoice.language,
    })


def payment_instructions(invoice: Invoice, settings: BillingSettings) -> dict:
    """What the PDF prints under "Comment payer", for the email to say the same (never "ask for it")."""
    deposit, cheque = invoice.payment_method == "direct_deposit", invoice.payment_method == "cheque"
    return {"bank_details": list(settings.seller.bank_details) if deposit else None,
            "cheque_payable_to": settings.seller.name if cheque else None,
            "cheque_address": list(settings.seller.address) if cheque else None}


def cancel_for_session(session: Session, payload: dict) -> Invoice | None:
    """Voids the invoice of a cancelled session while nothing was paid on it. Money already
    received is recorded as owed back (``refund_due``): a paid invoice stays paid."""
    session_id, actor = payload["session_id"], payload["cancelled_by"]
    settle(session)  # an invoice issued earlier in this transaction gets its number (and event) first
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
        audit.record(session, audit.SYSTEM_ACTOR, "refund_due", invoice_id=invoice.id,
                     details={"number": invoice.number, "amount": money_text(invoice.amount_paid),
                              "cancelled_by": actor, "reason": payload.get("reason")},
                     note=N_("Session annulée après paiement : remboursement à faire."))
    if invoice.status == "open":
        invoice.status, invoice.voided_at, invoice.balance = "void", now, ZERO
        audit.record(session, audit.SYSTEM_ACTOR, "invoice_voided", invoice_id=invoice.id,
                     details={"number": invoice.number, "cancelled_by": actor, "reason": payload.get("reason")})
        events.emit(session, events.INVOICE_VOIDED, {
            "invoice_id": invoice.id, "number": invoice.number, "session_id": session_id,
            "customer_user_id": invoice.owner_user_id, "reason": payload.get("reason"),
            "refund_due": money_text(invoice.refund_due),
        })
    return invoice


def pay_url_for(invoice: Invoice, settings: BillingSettings, number: str | None = None) -> str | None:
    """The pay link of an open credit-card invoice with something left to pay; None otherwise (a paid
    or void invoice invites nobody to pay)."""
    if invoice.payment_method != "credit_card" or invoice.status != "open" or invoice.balance <= ZERO:
        return None
    return settings.pay_url(invoice.id, invoice.number if number is None else number)


def invoice_document(invoice: Invoice, settings: BillingSettings, number: str | None = None) -> InvoiceDocument:
    """What the PDF shows; ``number`` stands for the invoice's own before it has one."""
    number = invoice.number if number is None else number
    end_date = format_date(invoice.session_end_date, invoice.language)
    summary = f"{invoice.activity_label} — {invoice.organization_name} — {end_date}"
    return InvoiceDocument(
        number=number, issued_on=local_date(invoice.issued_at), status=invoice.status,
        language=invoice.language, payment_method=invoice.payment_method, currency=invoice.currency,
        bill_to=invoice.bill_to,
        lines=tuple(DocumentLine(line.description, line.quantity, to_money(line.unit_price), to_money(line.amount))
                    for line in invoice.lines),
        total=to_money(invoice.total), amount_paid=to_money(invoice.amount_paid), balance=to_money(invoice.balance),
        pay_url=pay_url_for(invoice, settings, number), session_summary=summary,
        card_minimum=to_money(invoice.card_minimum))


def invoice_pdf(invoice: Invoice, settings: BillingSettings) -> bytes:
    from services.billing.domain.pdf import render_invoice_pdf

    return render_invoice_pdf(invoice_document(invoice, settings), settings.seller)


def _date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
