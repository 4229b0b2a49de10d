"""Payments: card charges through the provider, and cheques / deposits recorded by staff.

Every payment locks the invoices it touches (``FOR UPDATE``, in id order), refuses to pay more
than a balance, emits ``billing.payment_received`` per invoice and ``billing.invoice_paid`` when a
balance reaches zero, and writes an audit row naming who recorded it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from chassis.errors import ApiError, Conflict, NotFound, ValidationFailed
from chassis.i18n import N_, _, format_money
from chassis.logging import get_logger
from chassis.money import ZERO, money_text, to_money
from chassis.principal import Principal
from services.billing import events
from services.billing.db.models import Invoice, Payment, PaymentAllocation
from services.billing.domain.cards import CardDetails
from services.billing.domain.payments.provider import PaymentProvider, ProviderUnavailable, safe_charge
from services.billing.operations import audit
from services.billing.operations.clock import montreal_today, utc_now
from services.billing.operations.invoices import locked_invoice

STAFF_ROLE = "cards_staff"


def _log():
    """Bound at call time: a logger bound at import would miss the chassis configuration."""
    return get_logger("billing", component="payments")


class PaymentDeclined(ApiError):
    status, code = 402, "payment_declined"


@dataclass(frozen=True)
class Allocation:
    invoice_number: str | None = None
    invoice_id: str | None = None
    amount: Decimal = ZERO


def invoice_visible_to(invoice: Invoice | None, principal: Principal) -> bool:
    return invoice is not None and (principal.has_role(STAFF_ROLE) or invoice.owner_user_id == principal.user_id)


def _not_found() -> NotFound:
    return NotFound(_("Facture introuvable."))


def _require_open(invoice: Invoice) -> None:
    if invoice.status == "paid":
        raise Conflict(_("La facture %(number)s est déjà payée.", number=invoice.number),
                       code="invoice_paid")
    if invoice.status == "void":
        raise Conflict(_("La facture %(number)s est annulée.", number=invoice.number),
                       code="invoice_void")


def pay_by_card(session: Session, invoice_id: str, principal: Principal, card: CardDetails,
                provider: PaymentProvider, idempotency_key: str) -> Payment:
    """Charges the whole balance. Raises PaymentDeclined (402) when the provider declines."""
    invoice = locked_invoice(session, id=invoice_id)
    if not invoice_visible_to(invoice, principal):
        raise _not_found()
    _require_open(invoice)
    amount = to_money(invoice.balance)
    if amount < invoice.card_minimum:
        raise ApiError(_("Le paiement par carte exige un solde d'au moins %(minimum)s (solde : %(balance)s).",
                         minimum=format_money(invoice.card_minimum), balance=format_money(amount)),
                       status=422, code="balance_below_card_minimum")
    try:
        result = safe_charge(provider, card, amount, invoice.currency, f"Facture {invoice.number}",
                             f"{principal.user_id}:{idempotency_key}")
    except ProviderUnavailable:
        _log().error("card_payment_provider_failed", invoice=invoice.number, brand=card.brand, provider=provider.name)
        raise PaymentDeclined(_PROCESSING_ERROR, extra={"reason": "processing_error"}) from None
    if not result.approved:
        _log().info("card_payment_declined", invoice=invoice.number, brand=card.brand, last4=card.last4,
                 reason=result.decline_code)
        audit.record(session, principal.user_id, "card_payment_declined", invoice_id=invoice.id,
                     details={"number": invoice.number, "reason": result.decline_code, "brand": card.brand,
                              "last4": card.last4, "amount": money_text(amount)})
        raise PaymentDeclined(result.decline_message, extra={"reason": result.decline_code})
    payment = Payment(method="credit_card", amount=amount, currency=invoice.currency, reference=None,
                      received_on=montreal_today(), card_brand=card.brand, card_last4=card.last4,
                      provider=provider.name, provider_charge_id=result.charge_id, recorded_by=principal.user_id,
                      created_at=utc_now())
    _apply(session, payment, [(invoice, amount)], principal, "card_payment_recorded")
    _log().info("card_payment_approved", invoice=invoice.number, brand=card.brand, last4=card.last4,
             amount=money_text(amount), payment_id=payment.id)
    return payment


_PROCESSING_ERROR = N_("Le service de paiement ne répond pas. Aucun montant n'a été prélevé ; réessayez dans "
                       "un moment.")


def record_manual_payment(session: Session, principal: Principal, method: str, reference: str,
                          received_on: date | None, allocations: list[Allocation]) -> Payment:
    """A cheque or a direct deposit, split over one or more invoices (staff only)."""
    invoices = _lock_allocated_invoices(session, allocations)
    errors: dict[str, list[str]] = {}
    pairs: list[tuple[Invoice, Decimal]] = []
    for index, (allocation, invoice) in enumerate(zip(allocations, invoices, strict=True)):
        _require_open(invoice)
        amount = to_money(allocation.amount)
        if amount > invoice.balance:
            errors[f"allocations.{index}.amount" if len(allocations) > 1 or allocation.invoice_number else "amount"] = [
                _("Le montant (%(amount)s) dépasse le solde de la facture %(number)s (%(balance)s).",
                  amount=format_money(amount), number=invoice.number, balance=format_money(invoice.balance))]
        pairs.append((invoice, amount))
    if errors:
        raise ValidationFailed(_("Trop-perçu refusé."), fields=errors, code="overpayment")
    total = to_money(sum((amount for _invoice, amount in pairs), ZERO))
    payment = Payment(method=method, amount=total, currency="CAD", reference=reference,
                      received_on=received_on or montreal_today(), recorded_by=principal.user_id,
                      created_at=utc_now())
    _apply(session, payment, pairs, principal, "payment_recorded")
    return payment


def _lock_allocated_invoices(session: Session, allocations: list[Allocation]) -> list[Invoice]:
    """Locks in a stable order (by number / id) so two staff payments never deadlock."""
    keys = [("number", a.invoice_number) if a.invoice_number else ("id", a.invoice_id) for a in allocations]
    found: dict[tuple[str, str], Invoice] = {}
    missing: dict[str, list[str]] = {}
    for key in sorted(set(keys), key=lambda item: item[1] or ""):
        invoice = locked_invoice(session, **{key[0]: key[1]})
        if invoice is None:
            continue
        found[key] = invoice
    for index, key in enumerate(keys):
        if key not in found:
            if key[0] == "id":
                raise _not_found()
            missing[f"allocations.{index}.invoice_number"] = [
                _("Aucune facture ne porte le numéro %(number)s.", number=key[1])]
    if missing:
        raise ValidationFailed(fields=missing)
    return [found[key] for key in keys]


def _apply(session: Session, payment: Payment, pairs: list[tuple[Invoice, Decimal]], principal: Principal,
           action: str) -> None:
    session.add(payment)
    now = utc_now()
    for invoice, amount in pairs:
        payment.allocations.append(PaymentAllocation(invoice=invoice, invoice_id=invoice.id, amount=amount))
        invoice.amount_paid = to_money(invoice.amount_paid + amount)
        invoice.balance = to_money(invoice.balance - amount)
    session.flush()
    for invoice, amount in pairs:
        bill_to = invoice.bill_to
        events.emit(session, events.PAYMENT_RECEIVED, {
            "payment_id": payment.id, "invoice_id": invoice.id, "number": invoice.number,
            "session_id": invoice.session_id, "customer_user_id": invoice.owner_user_id,
            "email": bill_to["email"], "name": bill_to["name"], "method": payment.method,
            "amount": money_text(amount), "balance": money_text(invoice.balance), "currency": invoice.currency,
            "reference": payment.reference, "received_on": payment.received_on.isoformat(),
            "language": invoice.language,
        })
        if invoice.balance == ZERO:
            invoice.status, invoice.paid_at = "paid", now
            events.emit(session, events.INVOICE_PAID, {
                "invoice_id": invoice.id, "number": invoice.number, "session_id": invoice.session_id,
                "customer_user_id": invoice.owner_user_id, "paid_at": now.isoformat(),
            })
    audit.record(session, principal.user_id, action, payment_id=payment.id,
                 invoice_id=pairs[0][0].id if len(pairs) == 1 else None,
                 details={"method": payment.method, "amount": money_text(payment.amount),
                          "reference": payment.reference, "received_on": payment.received_on.isoformat(),
                          "card_brand": payment.card_brand,
                          "card_last4": payment.card_last4, "staff": principal.has_role(STAFF_ROLE),
                          "allocations": [{"invoice_id": invoice.id, "number": invoice.number,
                                           "amount": money_text(amount)} for invoice, amount in pairs]})
