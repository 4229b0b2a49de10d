"""Cards' part of a data export (Law 25).

An account (a trainer): the requests they entered, the participants they entered on them and the cards
issued. A trainee without an account: their participant rows (the ones staff picked: same name and birth
date), the cards issued to them, and of each request only what places the training: never its ids nor the
trainer, which lead to someone else."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from chassis.privacy_export import Rows, Subject, export_handlers
from services.cards.db.models import CardSession, Participant

_REQUEST_FIELDS = ("id", "status", "trainer_card_number", "trainer_first_name", "trainer_last_name", "trainer_email",
                   "language", "second_card_number", "second_first_name", "second_last_name", "organization_type",
                   "organization_name", "location", "activity_code", "end_date", "delivery_address", "delivery_city",
                   "delivery_postal_code", "delivery_attention", "delivery_email", "payment_method", "billed_to",
                   "unit_price", "invoice_number", "created_at", "submitted_at", "invoiced_at", "paid_at",
                   "shipped_at", "cancelled_at", "cancel_reason")
_PERSON_FIELDS = ("id", "title", "first_name", "last_name", "birth_date", "phone", "phone_ext", "created_at",
                  "updated_at")
_CARD_FIELDS = ("code", "participant_id", "status", "issued_at", "revoked_at", "replaced_by")


def _row(item, names, **more) -> dict:
    return {**{name: getattr(item, name) for name in names}, **more}


def _trainer_part(session: Session, user_id: str) -> dict[str, Rows]:
    requests = list(session.scalars(
        select(CardSession).where(CardSession.trainer_user_id == user_id)
        .options(selectinload(CardSession.participants).selectinload(Participant.attestations))
        .order_by(CardSession.created_at, CardSession.id)))
    participants = [p for request in requests for p in request.participants]
    return {"requests": [_row(r, _REQUEST_FIELDS) for r in requests],
            "participants": [_row(p, _PERSON_FIELDS, session_id=p.session_id) for p in participants],
            "cards": [_row(a, _CARD_FIELDS, session_id=a.session_id) for p in participants for a in p.attestations]}


def _trainee_part(session: Session, participant_ids) -> dict[str, Rows]:
    participants = list(session.scalars(
        select(Participant).where(Participant.id.in_(participant_ids))
        .options(selectinload(Participant.attestations), selectinload(Participant.session))
        .order_by(Participant.created_at, Participant.id)))
    return {"participations": [_row(p, _PERSON_FIELDS, organization_name=p.session.organization_name,
                                    location=p.session.location, activity_code=p.session.activity_code,
                                    training_end_date=p.session.end_date) for p in participants],
            "cards": [_row(a, _CARD_FIELDS) for p in participants for a in p.attestations]}


def collect(session: Session, subject: Subject) -> dict[str, Rows]:
    if subject.is_account:
        return _trainer_part(session, subject.user_id)
    return _trainee_part(session, subject.participant_ids) if subject.participant_ids else {}


HANDLERS = export_handlers("cards", collect)
