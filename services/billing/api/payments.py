"""Payments on invoices: card payments by the payer (``Idempotency-Key``), cheques and direct
deposits recorded by cards staff (one cheque may settle several invoices: ``POST /payments``)."""
from __future__ import annotations

import re

from flask import jsonify, request
from flask_smorest import Blueprint
from sqlalchemy import select

from chassis.errors import ApiError, Forbidden, NotFound, error_body
from chassis.i18n import _
from chassis.page_schema import page
from chassis.tokens import current_principal, require_auth
from services.billing.api import context
from services.billing.api.presenters import payment_view
from services.billing.api.schemas import (
    InvoicePaymentInput,
    PaymentList,
    PaymentOutput,
    PaymentQuery,
    StaffPaymentInput,
)
from services.billing.db.models import Payment
from services.billing.domain.cards import CardDetails, normalize_number
from services.billing.operations import idempotency
from services.billing.operations.payments import (
    STAFF_ROLE,
    Allocation,
    PaymentDeclined,
    pay_by_card,
    record_manual_payment,
)

blp = Blueprint("payments", __name__, description="Payments (C9, C10, X4)")
IDEMPOTENCY_HEADER = "Idempotency-Key"
_KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")


def _idempotency_key(required: bool) -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        if required:
            raise ApiError(_("L'en-tête Idempotency-Key est requis pour un paiement par carte."),
                           status=400, code="idempotency_key_required",
                           fields={IDEMPOTENCY_HEADER: [_("Requis.")]})
        return None
    if not _KEY_PATTERN.match(key):
        raise ApiError(_("Idempotency-Key invalide (1 à 255 caractères visibles)."), status=400,
                       code="bad_request", fields={IDEMPOTENCY_HEADER: [_("Invalide.")]})
    return key


def _respond(status: int, body: dict, replayed: bool = False):
    response = jsonify(body)
    response.status_code = status
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def _fingerprint(invoice_id: str, data: dict) -> str:
    """Never the card number nor the CVC: brand/last 4 via CardDetails, expiry and holder."""
    parts = {"invoice_id": invoice_id, "method": data["method"]}
    if data["method"] == "credit_card":
        card = data["card"]
        number = normalize_number(card["number"])
        parts.update(last4=number[-4:], prefix=number[:1], exp=[card["exp_month"], card["exp_year"]],
                     holder=card["holder"])
    else:
        parts.update(amount=str(data["amount"]), reference=data["reference"],
                     received_on=str(data.get("received_on")))
    return idempotency.request_fingerprint(parts)


@blp.route("/invoices/<invoice_id>/payments", methods=["POST"])
@require_auth("trainer", STAFF_ROLE)
@blp.arguments(InvoicePaymentInput)
@blp.response(201, PaymentOutput)
@blp.alt_response(402, description="payment_declined: the card is declined (`error.reason`).")
@blp.alt_response(409, description="Facture payée ou annulée, ou Idempotency-Key réutilisée autrement.")
@blp.doc(parameters=[{"in": "header", "name": IDEMPOTENCY_HEADER, "schema": {"type": "string", "maxLength": 255},
                      "description": "Required for credit_card: the same key replays the first response "
                                     "(48 h); a different body with the same key -> 409."}])
def pay_invoice(data: dict, invoice_id: str):
    """Pay an invoice: by card (the invoice's owner or staff; the whole balance, at least 5.00) or
    record a cheque / direct deposit (staff only; partial payments allowed, overpayment refused)."""
    principal = current_principal()
    is_card = data["method"] == "credit_card"
    if not is_card and not principal.has_role(STAFF_ROLE):
        raise Forbidden(_("Seul le personnel enregistre les chèques et les dépôts."))
    key = _idempotency_key(required=is_card)
    with context.database().transaction() as session:
        key_row = None
        if key is not None:
            key_row, stored = idempotency.claim(session, principal.user_id, key, _fingerprint(invoice_id, data),
                                                context.settings().idempotency_ttl_hours)
            if stored is not None:
                return _respond(stored.status, stored.body, replayed=True)
        if is_card:
            status, body = _charge(session, invoice_id, data, key)
        else:
            payment = record_manual_payment(
                session, principal, data["method"], data["reference"], data.get("received_on"),
                [Allocation(invoice_id=invoice_id, amount=data["amount"])])
            status, body = 201, PaymentOutput().dump(payment_view(payment))
        if key_row is not None:
            idempotency.remember(key_row, status, body)
    return _respond(status, body)


def _charge(session, invoice_id: str, data: dict, key: str) -> tuple[int, dict]:
    card_input = data.pop("card")
    card = CardDetails(number=normalize_number(card_input["number"]), exp_month=card_input["exp_month"],
                       exp_year=card_input["exp_year"], cvc=card_input["cvc"], holder=card_input["holder"])
    del card_input
    try:
        payment = pay_by_card(session, invoice_id, current_principal(), card, context.provider(), key)
    except PaymentDeclined as declined:
        return 402, error_body(402, declined.code, declined.message, extra=declined.extra)
    return 201, PaymentOutput().dump(payment_view(payment))


@blp.route("/payments", methods=["POST"])
@require_auth(STAFF_ROLE)
@blp.arguments(StaffPaymentInput)
@blp.response(201, PaymentOutput)
def record_payment(data: dict):
    """Staff: record one cheque or direct deposit split over invoices by number
    (`allocations: [{invoice_number, amount}]`, summing to `amount`). All or nothing."""
    principal = current_principal()
    allocations = [Allocation(invoice_number=a["invoice_number"], amount=a["amount"]) for a in data["allocations"]]
    with context.database().transaction() as session:
        payment = record_manual_payment(session, principal, data["method"], data["reference"],
                                        data.get("received_on"), allocations)
        return payment_view(payment)


@blp.route("/payments", methods=["GET"])
@require_auth(STAFF_ROLE)
@blp.arguments(PaymentQuery, location="query", as_kwargs=True)
@blp.response(200, PaymentList)
def list_payments(limit: int, offset: int, method: str | None = None, reference: str | None = None):
    """Staff: payments received, newest first."""
    query = select(Payment)
    if method:
        query = query.where(Payment.method == method)
    if reference:
        query = query.where(Payment.reference == reference)
    with context.database().reading() as session:
        return page(session, query.order_by(Payment.created_at.desc()), limit, offset, payment_view)


@blp.route("/payments/<payment_id>", methods=["GET"])
@require_auth(STAFF_ROLE)
@blp.response(200, PaymentOutput)
def get_payment(payment_id: str):
    """Staff: one payment and the invoices it settled."""
    with context.database().reading() as session:
        payment = session.get(Payment, payment_id) if len(payment_id) <= 36 else None
        if payment is None:
            raise NotFound(_("Paiement introuvable."))
        return payment_view(payment)
