"""The trainer read model, kept from auth's events (cards never reads auth's database).

Only users with the ``trainer`` role are kept; a user who loses the role is marked so and can no
longer open requests. Events may come out of order: an event older than the one already applied
(by ``occurred_at``) changes nothing. Trainers created before cards started: run auth's
``python -m services.auth.cli backfill-users``, which re-emits ``auth.user_updated`` for every user.
"""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from chassis.events.envelope import Envelope
from services.cards.db.models import Trainer
from services.cards.domain.formats import FormatError, normalize_card_number

TRAINER_ROLE = "trainer"


def _occurred_at(envelope: Envelope) -> datetime:
    moment = datetime.fromisoformat(str(envelope.occurred_at).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _card_number(value: str | None) -> str | None:
    try:
        return normalize_card_number(value) if value else None
    except FormatError:
        return value.strip().lower()[:20]


def on_user_event(session: Session, envelope: Envelope) -> None:
    """``auth.user_registered`` and ``auth.user_updated``: insert, update or demote the trainer row."""
    payload = envelope.payload
    occurred = _occurred_at(envelope)
    row = session.get(Trainer, payload["user_id"], with_for_update=True)
    is_trainer = TRAINER_ROLE in (payload.get("roles") or [])
    if row is None and not is_trainer:
        return
    if row is not None:
        stored = row.source_occurred_at if row.source_occurred_at.tzinfo else \
            row.source_occurred_at.replace(tzinfo=UTC)
        if stored > occurred:
            return
    if row is None:
        row = Trainer(user_id=payload["user_id"])
        session.add(row)
    row.card_number = _card_number(payload.get("card_number"))
    row.username = payload.get("username")
    row.first_name = payload["first_name"][:100]
    row.last_name = payload["last_name"][:100]
    row.email = payload["email"][:254]
    row.language = payload.get("language") or "fr"
    row.is_trainer = is_trainer
    row.source_occurred_at = occurred
    row.updated_at = datetime.now(UTC)
