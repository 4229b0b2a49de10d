"""The inbox claim: the first handling of (consumer, event id) wins, later deliveries are skipped.

``claim`` inserts the inbox row with ``ON CONFLICT DO NOTHING`` inside the handler's transaction
(``claim_many``: the rows of a whole batch in one statement).
On PostgreSQL a second consumer handling the same event at the same time waits on the unique
index until the first commits (then skips) or rolls back (then proceeds), so effects apply once.
"""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, String, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from chassis.bus.tables import InboxMessage
from chassis.events.envelope import Envelope


def claim(session: Session, consumer: str, envelope: Envelope) -> bool:
    """True if this event was not handled by ``consumer`` before (the row is now staged)."""
    values = {"consumer": consumer, "event_id": envelope.id, "event_type": envelope.type,
              "handled_at": datetime.now(UTC)}
    dialect = session.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = insert(InboxMessage).values(**values).on_conflict_do_nothing(
            index_elements=["consumer", "event_id"]).returning(InboxMessage.id)
        return session.execute(statement).scalar() is not None
    seen = session.scalar(select(InboxMessage.id).where(InboxMessage.consumer == consumer,
                                                        InboxMessage.event_id == envelope.id))
    if seen is not None:
        return False
    session.add(InboxMessage(**values))
    session.flush()
    return True


def claim_many(session: Session, consumer: str, envelopes: list[Envelope]) -> set[str]:
    """The ids of the events not handled by ``consumer`` before, their inbox rows now staged (one statement
    on PostgreSQL, rows in event id order so that two consumers claiming the same events never deadlock)."""
    if not envelopes:
        return set()
    if session.get_bind().dialect.name != "postgresql":
        return {envelope.id for envelope in envelopes if claim(session, consumer, envelope)}
    ordered = sorted({envelope.id: envelope.type for envelope in envelopes}.items())
    claimed = session.connection().execute(_CLAIM_MANY, {
        "consumer": consumer, "handled_at": datetime.now(UTC),
        "event_ids": [event_id for event_id, _ in ordered], "event_types": [kind for _, kind in ordered]})
    return set(claimed.scalars())


def _claim_many_statement():
    """One short statement whatever the batch's size, the rows passed as two arrays: prepared once by the
    server, and its text parsed once by the driver (a multi-row ``VALUES`` statement is new text at each
    batch size, and psycopg re-parsed its ~100 placeholders at every batch: 40 % of the claim's CPU)."""
    table = InboxMessage.__table__
    rows = func.unnest(bindparam("event_ids", type_=ARRAY(String)), bindparam("event_types", type_=ARRAY(String))
                       ).table_valued("event_id", "event_type", with_ordinality="position").render_derived()
    claimed = select(bindparam("consumer", type_=String), rows.c.event_id, rows.c.event_type,
                     bindparam("handled_at", type_=DateTime(timezone=True))).order_by(rows.c.position)
    return (pg_insert(table).from_select(["consumer", "event_id", "event_type", "handled_at"], claimed)
            .on_conflict_do_nothing(index_elements=["consumer", "event_id"]).returning(table.c.event_id))


_CLAIM_MANY = _claim_many_statement()
