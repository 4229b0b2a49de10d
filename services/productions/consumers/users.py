"""The users read model, kept from auth's events; productions never reads auth's database.

Users who registered before productions started arrive through auth's backfill
(``python -m services.auth.cli backfill-users`` re-emits ``auth.user_updated`` for every user).
"""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from chassis.events.envelope import Envelope
from chassis.events.registry import validate_payload
from services.productions.db.models import KnownUser
from services.productions.domain.access import can_be_named
from services.productions.domain.names import tidy, user_search_key


def _occurred_at(event: Envelope) -> datetime:
    value = datetime.fromisoformat(str(event.occurred_at).replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def upsert_user(session: Session, event: Envelope) -> None:
    """Creates or refreshes the user; an event older than what we hold changes nothing (reordering)."""
    payload = validate_payload(event.type, event.version, event.payload)
    occurred_at = _occurred_at(event)
    user = session.get(KnownUser, payload["user_id"], with_for_update=True)
    if user is None:
        user = KnownUser(id=payload["user_id"], source_occurred_at=occurred_at)
        session.add(user)
    elif _aware(user.source_occurred_at) > occurred_at:
        return
    user.email = payload["email"].strip().lower()
    user.first_name = tidy(payload["first_name"])
    user.last_name = tidy(payload["last_name"])
    user.roles = sorted(set(payload.get("roles") or []))
    user.nameable = can_be_named(user.roles)
    user.language = payload.get("language") or "fr"
    user.search_key = user_search_key(user.first_name, user.last_name, user.email)
    user.source_occurred_at = occurred_at
    user.updated_at = datetime.now(UTC)
    session.flush()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


on_user_registered = upsert_user
on_user_updated = upsert_user
