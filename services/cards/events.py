"""Emitting the cards service's events (schemas in ``chassis/events/catalogue/cards.py``).

Always inside the ``db.transaction()`` that changes the state the event describes.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from chassis.bus.outbox import record_event
from chassis.events.envelope import Envelope

PRODUCER = "cards"
SESSION_SUBMITTED = "cards.session_submitted"
SESSION_CANCELLED = "cards.session_cancelled"
CARDS_ISSUED = "cards.cards_issued"
SESSION_SHIPPED = "cards.session_shipped"


def emit(session: Session, event_type: str, payload: dict, sensitive: bool = False) -> Envelope:
    return record_event(session, PRODUCER, event_type, payload, sensitive=sensitive)
