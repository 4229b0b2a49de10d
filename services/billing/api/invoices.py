"""Invoices: a trainer sees their own (someone else's is a 404), cards staff see all."""
from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint
from sqlalchemy import select

from chassis.errors import NotFound
from chassis.i18n import _
from chassis.page_schema import page
from chassis.tokens import current_principal, require_auth
from services.billing.api import context
from services.billing.api.presenters import invoice_view
from services.billing.api.schemas import InvoiceList, InvoiceOutput, InvoiceQuery
from services.billing.db.models import Invoice
from services.billing.operations.invoices import invoice_pdf
from services.billing.operations.payments import STAFF_ROLE, invoice_visible_to

blp = Blueprint("invoices", __name__, description="Invoices (C8, C10, X3)")
READERS = ("trainer", STAFF_ROLE)


def visible_invoice(session, invoice_id: str) -> Invoice:
    invoice = session.get(Invoice, invoice_id) if len(invoice_id) <= 36 else None
    if not invoice_visible_to(invoice, current_principal()):
        raise NotFound(_("Facture introuvable."))
    return invoice


@blp.route("/invoices", methods=["GET"])
@require_auth(*READERS)
@blp.arguments(InvoiceQuery, location="query", as_kwargs=True)
@blp.response(200, InvoiceList)
def list_invoices(limit: int, offset: int, **filters):
    """Invoices, newest first: the caller's own (staff: all)."""
    principal = current_principal()
    query = select(Invoice)
    if not principal.has_role(STAFF_ROLE):
        query = query.where(Invoice.owner_user_id == principal.user_id)
    for name in ("status", "session_id", "number"):
        if filters.get(name) is not None:
            query = query.where(getattr(Invoice, name) == filters[name])
    if filters.get("refund_due") is True:
        query = query.where(Invoice.refund_due > 0)
    elif filters.get("refund_due") is False:
        query = query.where(Invoice.refund_due == 0)
    with context.database().reading() as session:
        settings = context.settings()
        return page(session, query.order_by(Invoice.issued_at.desc(), Invoice.number.desc()), limit, offset,
                    lambda row: invoice_view(row, settings))


@blp.route("/invoices/<invoice_id>", methods=["GET"])
@require_auth(*READERS)
@blp.response(200, InvoiceOutput)
def get_invoice(invoice_id: str):
    """One invoice with its lines, balance and the payments applied to it."""
    with context.database().reading() as session:
        return invoice_view(visible_invoice(session, invoice_id), context.settings(), session)


@blp.route("/invoices/<invoice_id>/pdf", methods=["GET"])
@require_auth(*READERS)
@blp.response(200, description="The invoice as PDF.", content_type="application/pdf")
def get_invoice_pdf(invoice_id: str):
    """The invoice PDF, drawn from its current state (balance and status included)."""
    with context.database().reading() as session:
        invoice = visible_invoice(session, invoice_id)
        pdf = invoice_pdf(invoice, context.settings())
        filename = f"facture-{invoice.number}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "no-store"})
