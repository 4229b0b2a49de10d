"""Emitting events from the notifier (it produces none today; kept for the convention)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from chassis.bus.outbox import record_event
from chassis.events.envelope import Envelope

PRODUCER = "notifier"


def emit(session: Session, event_type: str, payload: dict, sensitive: bool = False) -> Envelope:
    return record_event(session, PRODUCER, event_type, payload, sensitive=sensitive)
