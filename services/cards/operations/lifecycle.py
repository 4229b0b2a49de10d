"""The life of a request after it is filled in (C8-C11, X3, C13): submit, billing's events,
issuing the attestations, shipping, cancelling, reissuing.

Every function works inside the caller's transaction and stages its event with ``emit``
there, so the state change and the event commit together.
"""
from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, lazyload

from chassis.errors import Conflict, ValidationFailed
from chassis.i18n import _
from chassis.logging import get_logger
from chassis.money import money_text
from services.cards import events
from services.cards.db.models import Attestation, CardSession, Participant, participant_count
from services.cards.domain import codes, statuses
from services.cards.domain.pricing import card_minimum_message, quote
from services.cards.operations import audit

log = get_logger("cards")
VALID, REVOKED = "valid", "revoked"


def _now() -> datetime:
    return datetime.now(UTC)


def ensure_transition(card_session: CardSession, target: str) -> None:
    try:
        statuses.check_transition(card_session.status, target)
    except statuses.IllegalTransition as error:
        raise Conflict(error.message, code="illegal_transition") from None


def ensure_editable(card_session: CardSession) -> None:
    if card_session.status not in statuses.EDITABLE:
        raise Conflict(_("La demande n'est plus modifiable (statut « %(status)s »).",
                         status=_(statuses.LABELS[card_session.status])), code="not_editable")


# --- people's actions -----------------------------------------------------------------------

def submit(db_session: Session, s: CardSession, actor_id: str, payment_method: str, billed_to: str,
           card_minimum: Decimal) -> None:
    """``s`` is locked (``FOR UPDATE``): adding a participant locks it first, so the count cannot change.

    ``card_minimum`` (``CARDS_CARD_MINIMUM``) travels in the event: billing applies the same one to the invoice.
    """
    ensure_transition(s, statuses.SUBMITTED)
    # Counted, not loaded: the event and the answer need the number only (and the view reads it from here).
    s.loaded_participant_count = db_session.scalar(
        select(func.count(Participant.id)).where(Participant.session_id == s.id))
    price = quote(s.loaded_participant_count, s.unit_price, card_minimum)
    if price.participant_count == 0:
        raise ValidationFailed(fields={"participants": [
            _("Ajoutez au moins un participant avant de soumettre.")]})
    if payment_method == "credit_card" and not price.credit_card_allowed:
        raise ValidationFailed(fields={"payment_method": [card_minimum_message(card_minimum)]})
    s.status, s.payment_method, s.billed_to = statuses.SUBMITTED, payment_method, billed_to
    s.submitted_at = s.updated_at = _now()
    events.emit(db_session, events.SESSION_SUBMITTED, submitted_payload(s, card_minimum))
    audit.record(db_session, actor_id, "submitted", session_id=s.id, payment_method=payment_method, billed_to=billed_to,
                 total=money_text(price.total))


def submitted_payload(s: CardSession, card_minimum: Decimal) -> dict:
    price = quote(participant_count(s), s.unit_price, card_minimum)
    if s.billed_to == "organization":
        bill_name, attention = s.organization_name, s.delivery_attention
    else:
        bill_name, attention = f"{s.trainer_first_name} {s.trainer_last_name}", None
    return {
        "session_id": s.id,
        "trainer": {"user_id": s.trainer_user_id, "card_number": s.trainer_card_number,
                    "first_name": s.trainer_first_name, "last_name": s.trainer_last_name, "email": s.trainer_email},
        "organization_name": s.organization_name, "activity_label": s.activity.label,
        "activity_label_en": s.activity.label_en,
        "end_date": s.end_date.isoformat(), "participant_count": price.participant_count,
        "unit_price": money_text(price.unit_price), "total": money_text(price.total), "currency": price.currency,
        "payment_method": s.payment_method, "card_minimum": money_text(price.card_minimum),
        "bill_to": {"kind": s.billed_to, "name": bill_name, "attention": attention, "address": s.delivery_address,
                    "city": s.delivery_city, "postal_code": s.delivery_postal_code, "email": s.delivery_email},
        "delivery": {"address": s.delivery_address, "city": s.delivery_city, "postal_code": s.delivery_postal_code,
                     "attention": s.delivery_attention, "email": s.delivery_email},
        "language": s.language,
    }


def cancel(db_session: Session, s: CardSession, actor_id: str, reason: str | None) -> None:
    ensure_transition(s, statuses.CANCELLED)
    previous = s.status
    s.status, s.cancel_reason = statuses.CANCELLED, reason
    s.cancelled_at = s.updated_at = _now()
    events.emit(db_session, events.SESSION_CANCELLED,
                {"session_id": s.id, "cancelled_by": actor_id, "reason": reason})
    audit.record(db_session, actor_id, "cancelled", session_id=s.id, previous_status=previous, reason=reason)


def ship(db_session: Session, s: CardSession, actor_id: str) -> None:
    ensure_transition(s, statuses.SHIPPED)
    s.status = statuses.SHIPPED
    s.shipped_at = s.updated_at = _now()
    events.emit(db_session, events.SESSION_SHIPPED, {
        "session_id": s.id, "trainer_user_id": s.trainer_user_id, "email": s.delivery_email,
        "trainer_email": s.trainer_email, "first_name": s.trainer_first_name, "last_name": s.trainer_last_name,
        "participant_count": len(s.participants), "shipped_at": s.shipped_at.isoformat(), "language": s.language,
        # which request it is, for the email to name it
        "organization_name": s.organization_name, "activity_label": s.activity.label,
        "activity_label_en": s.activity.label_en, "location": s.location, "end_date": s.end_date.isoformat(),
        "invoice_number": s.invoice_number,
        "delivery": {"address": s.delivery_address, "city": s.delivery_city, "postal_code": s.delivery_postal_code,
                     "attention": s.delivery_attention, "email": s.delivery_email}})
    audit.record(db_session, actor_id, "shipped", session_id=s.id)


def reissue(db_session: Session, old: Attestation, actor_id: str) -> Attestation:
    """A lost card: a new code for the same participant; the old code now reads "revoked"."""
    if old.status != VALID:
        raise Conflict(_("Cette attestation est déjà révoquée."),
                       code="already_revoked")
    new = _new_attestation(db_session, old.session_id, old.participant_id)
    old.status, old.revoked_at, old.replaced_by = REVOKED, _now(), new.code
    audit.record(db_session, actor_id, "reissued", session_id=old.session_id, participant_id=old.participant_id,
                 old_code=old.code, new_code=new.code)
    return new


# --- billing's events (late, duplicated or reordered: never backwards) -------------------------

def _billed_session(db_session: Session, session_id: str, event_type: str) -> CardSession | None:
    # Only the session's row: billing's events change its status and invoice, never the reference data
    # that a read joins in (lazyload instead of the model's joined loads).
    query = (select(CardSession).options(lazyload("*")).where(CardSession.id == session_id)
             .with_for_update(of=CardSession))
    s = db_session.scalars(query).one_or_none()
    if s is None:
        log.warning("billing_event_for_unknown_session", event_type=event_type, session_id=session_id)
    return s


def _remember_invoice(s: CardSession, payload: dict) -> None:
    if not s.invoice_id:
        s.invoice_id = payload["invoice_id"]
    if s.invoice_id == payload["invoice_id"] and not s.invoice_number:
        s.invoice_number = payload.get("number")


def invoice_issued(db_session: Session, payload: dict) -> None:
    s = _billed_session(db_session, payload["session_id"], "billing.invoice_issued")
    if s is None:
        return
    _remember_invoice(s, payload)
    if statuses.advance(s.status, statuses.INVOICED):
        s.status = statuses.INVOICED
        s.invoiced_at = s.updated_at = _now()
        audit.record(db_session, audit.BILLING_ACTOR, "invoiced", session_id=s.id, invoice_number=payload["number"])


def invoice_paid(db_session: Session, payload: dict) -> None:
    s = _billed_session(db_session, payload["session_id"], "billing.invoice_paid")
    if s is None:
        return
    _remember_invoice(s, payload)
    if not statuses.advance(s.status, statuses.PAID):
        if s.status == statuses.CANCELLED:
            audit.record(db_session, audit.BILLING_ACTOR, "paid_after_cancel", session_id=s.id,
                         invoice_number=payload["number"])
        return
    s.status = statuses.PAID
    s.paid_at = s.updated_at = _now()
    audit.record(db_session, audit.BILLING_ACTOR, "paid", session_id=s.id, invoice_number=payload["number"])
    issue_attestations(db_session, s)


def invoice_voided(db_session: Session, payload: dict) -> None:
    s = _billed_session(db_session, payload["session_id"], "billing.invoice_voided")
    if s is None:
        return
    _remember_invoice(s, payload)
    if s.invoice_voided_at is None:
        s.invoice_voided_at = _now()
        audit.record(db_session, audit.BILLING_ACTOR, "invoice_voided", session_id=s.id,
                     invoice_number=payload["number"], reason=payload.get("reason"))


# --- attestations -------------------------------------------------------------------------

def _new_attestation(db_session: Session, session_id: str, participant_id: str) -> Attestation:
    code = codes.new_code()
    while db_session.scalar(select(Attestation.id).where(Attestation.code == code)) is not None:
        code = codes.new_code()  # 60 random bits: practically never taken
    attestation = Attestation(id=str(uuid.uuid4()), code=code, session_id=session_id, participant_id=participant_id,
                              status=VALID, issued_at=_now())
    db_session.add(attestation)
    return attestation


def issue_attestations(db_session: Session, s: CardSession) -> list[Attestation]:
    """One valid attestation per participant who has none yet, then ``cards.cards_issued``."""
    issued = []
    for participant in s.participants:
        if not any(a.status == VALID for a in participant.attestations):
            attestation = _new_attestation(db_session, s.id, participant.id)
            participant.attestations.append(attestation)
            issued.append((participant, attestation))
    if not issued:
        return []
    events.emit(db_session, events.CARDS_ISSUED, {
        "session_id": s.id, "trainer_user_id": s.trainer_user_id, "email": s.delivery_email,
        "trainer_email": s.trainer_email, "attestation_count": len(issued), "language": s.language,
        "attestations": [{"participant_id": p.id, "name": f"{p.first_name} {p.last_name}", "code": a.code}
                         for p, a in issued]})
    audit.record(db_session, audit.BILLING_ACTOR, "cards_issued", session_id=s.id, count=len(issued))
    return [a for _unused, a in issued]
