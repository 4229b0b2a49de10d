"""Who administers a production house, kept from productions' events: the user directory
(``GET /users``) is open to house administrators, and auth does not own houses.

Events may arrive out of order or twice: each (house, person) keeps the time of the latest change
applied, and an older event changes nothing. Administrators named before auth consumed these events
reach it when productions re-announces them.
"""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from chassis.events.envelope import Envelope
from chassis.events.registry import validate_payload
from services.auth.db.models import KnownHouseAdmin

ADDED, REMOVED = "productions.house_admin_added", "productions.house_admin_removed"


def _occurred_at(event: Envelope) -> datetime:
    moment = datetime.fromisoformat(str(event.occurred_at).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def on_house_admin_changed(session: Session, event: Envelope) -> None:
    payload = validate_payload(event.type, event.version, event.payload)
    occurred_at = _occurred_at(event)
    is_admin = event.type == ADDED
    row = session.get(KnownHouseAdmin, (payload["house_id"], payload["user_id"]), with_for_update=True)
    if row is None:
        session.add(KnownHouseAdmin(house_id=payload["house_id"], user_id=payload["user_id"],
                                    is_admin=is_admin, changed_at=occurred_at))
    elif _aware(row.changed_at) <= occurred_at:
        row.is_admin, row.changed_at = is_admin, occurred_at
    session.flush()
