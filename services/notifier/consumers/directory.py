"""The recipient directory: who a user id is, from ``auth.user_registered`` and ``auth.user_updated``."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from chassis.events.envelope import Envelope
from services.notifier.db.models import Recipient
from services.notifier.domain.mail_templates import language_of


class RecipientNotKnownYet(LookupError):
    """The user's auth event has not arrived yet: raising makes the bus retry later."""


def remember_user(session: Session, envelope: Envelope) -> Recipient:
    """Upserts the person; an older event never overwrites a newer one (events may arrive out of order)."""
    payload = envelope.payload
    occurred_at = datetime.fromisoformat(envelope.occurred_at)
    recipient = session.get(Recipient, payload["user_id"])
    if recipient is not None and _aware(recipient.updated_at) > occurred_at:
        return recipient
    if recipient is None:
        recipient = Recipient(user_id=payload["user_id"])
        session.add(recipient)
    recipient.email = payload["email"]
    recipient.first_name = payload["first_name"]
    recipient.last_name = payload["last_name"]
    recipient.language = language_of(payload.get("language"))
    recipient.roles = list(payload.get("roles") or [])
    recipient.username = payload.get("username")
    recipient.card_number = payload.get("card_number")
    recipient.updated_at = occurred_at
    return recipient


def find_recipient(session: Session, user_id: str) -> Recipient:
    recipient = session.get(Recipient, user_id)
    if recipient is None:
        raise RecipientNotKnownYet(f"no auth event yet for user {user_id}")
    return recipient


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
