"""A trainer's request while it is filled in (C4-C6): opened, edited, deleted, each audited (X4).

Works inside the caller's transaction, on a request the caller may change (``api.access.load_session``).
"""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from chassis.errors import Conflict
from chassis.i18n import N_
from services.cards.db.models import CardSession, Trainer
from services.cards.domain import statuses
from services.cards.domain.pricing import UNIT_PRICE
from services.cards.operations import audit
from services.cards.operations.lifecycle import ensure_editable
from services.cards.operations.session_form import apply_session_form

UNKNOWN_TRAINER = N_("Votre compte de formateur n'est pas encore connu du service des cartes ; réessayez dans "
                     "quelques instants ou contactez le support.")


def open_request(db_session: Session, trainer: Trainer | None, data: dict, max_age_days: int) -> CardSession:
    """A new request of ``trainer`` (the trainer block comes from the read model, not from the form)."""
    if trainer is None or not trainer.card_number:
        raise Conflict(UNKNOWN_TRAINER, code="trainer_unknown")
    now = datetime.now(UTC)
    s = CardSession(id=str(uuid.uuid4()), status=statuses.NEW, trainer_user_id=trainer.user_id,
                    trainer_card_number=trainer.card_number, trainer_first_name=trainer.first_name,
                    trainer_last_name=trainer.last_name, trainer_email=trainer.email,
                    language=trainer.language or "fr", unit_price=UNIT_PRICE, created_at=now, updated_at=now,
                    participants=[])
    with db_session.no_autoflush:
        apply_session_form(db_session, s, data, max_age_days=max_age_days)
    db_session.add(s)
    audit.record(db_session, trainer.user_id, "created", session_id=s.id)
    db_session.flush()
    return s


def edit_request(db_session: Session, s: CardSession, actor_id: str, data: dict, max_age_days: int) -> None:
    ensure_editable(s)
    with db_session.no_autoflush:
        apply_session_form(db_session, s, data, max_age_days=max_age_days)
    s.updated_at = datetime.now(UTC)
    audit.record(db_session, actor_id, "updated", session_id=s.id, fields=sorted(data))
    db_session.flush()


def delete_request(db_session: Session, s: CardSession, actor_id: str) -> None:
    ensure_editable(s)
    audit.record(db_session, actor_id, "deleted", session_id=s.id, participant_count=len(s.participants))
    db_session.delete(s)
