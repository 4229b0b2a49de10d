"""Applying a batch of deliveries to the service's database: the inbox (idempotency) and the handlers.

In ONE ``db.transaction()``, with each event's correlation id bound (events the handler records carry it) and
``event_id``/``event_type`` in the log context while its handler runs:

- fast pass (the common case): the batch's inbox rows in one ``INSERT .. ON CONFLICT DO NOTHING`` (events
  already there are skipped), then the handlers one after the other, then commit;
- if a handler raised (or that commit failed), the batch is rolled back and redone with a SAVEPOINT an event
  (``session.begin_nested()``: inbox claim + handler inside it): a failing handler rolls back its own
  savepoint only, the others go on, then commit. (Savepoints only on this path: a PostgreSQL transaction with
  more than 64 subtransactions that wrote slows every other session's snapshots, and each savepoint is two
  more round trips);
- if that commit fails too while the database answers (e.g. a deferred constraint of one event), each event
  is handled in a transaction of its own, so the faulty one takes the retry path alone.

Handlers marked ``@own_transaction`` (``chassis.bus.handlers``) always get a transaction of their own. If the
database does not answer at all, the error propagates: nothing of the batch is acked, the consumer reconnects
and the broker delivers the messages again (an outage is not the events' fault).
"""
from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import structlog

from chassis import tracing
from chassis.bus import messages
from chassis.bus.handlers import HandlerTable, needs_own_transaction
from chassis.bus.inbox import claim, claim_many
from chassis.correlation import correlation_scope
from chassis.db import Database
from chassis.events.envelope import Envelope

APPLIED, DUPLICATE, FAILED, INVALID = "applied", "duplicate", "failed", "invalid"


@dataclass
class Delivery:
    """One fetched message and what became of it."""
    message: Any
    body: bytes
    headers: dict
    envelope: Envelope | None = None
    outcome: str = ""
    error: Exception | None = None


class _RedoWithSavepoints(Exception):
    """A handler raised during a batch's fast pass: roll the batch back, redo it a savepoint an event."""


@contextmanager
def event_context(envelope: Envelope):
    """The event's correlation id and its id/type in the log context, while it is handled or settled."""
    with correlation_scope(envelope.correlation_id), \
            structlog.contextvars.bound_contextvars(event_id=envelope.id, event_type=envelope.type):
        yield


class BatchApplier:
    """Sets each valid delivery's ``outcome`` (APPLIED, DUPLICATE or FAILED with its ``error``)."""

    def __init__(self, service: str, db: Database, handlers: HandlerTable, log,
                 after_commit: Callable[[list[Envelope]], None]):
        self.service, self.db, self.handlers, self.log = service, db, handlers, log
        self.after_commit = after_commit

    def apply(self, deliveries: list[Delivery]) -> None:
        """Applies the valid deliveries (batched where allowed, in order)."""
        group: list[Delivery] = []
        for delivery in deliveries:
            if delivery.envelope is None:
                continue
            if needs_own_transaction(self.handlers[delivery.envelope.type]):
                self._apply_group(group)
                group = []
                self._apply_alone(delivery)
            else:
                group.append(delivery)
        self._apply_group(group)

    def database_answers(self) -> bool:
        try:
            self.db.ping()
            return True
        except Exception:
            return False

    def _apply_group(self, group: list[Delivery]) -> None:
        """Fast pass, then (a handler raised, or the commit failed) savepoint pass, then one event a transaction."""
        if len(group) <= 1:
            for delivery in group:
                self._apply_alone(delivery)
            return
        if self._try_together(group, self._apply_fast) or self._try_together(group, self._apply_isolated):
            return
        for delivery in group:
            self._apply_alone(delivery)

    def _try_together(self, group: list[Delivery], apply) -> bool:
        """``apply`` in one transaction; True once committed. False (all rolled back) if it must be redone."""
        try:
            with self.db.transaction() as session:
                apply(session, group)
        except Exception as error:
            if not self.database_answers():
                raise  # nothing acked: redelivered after the consumer reconnects with backoff
            if not isinstance(error, _RedoWithSavepoints):
                self.log.warning("consumer.batch_failed", size=len(group), error=messages.error_text(error))
            for delivery in group:
                delivery.outcome, delivery.error = "", None
            return False
        self.after_commit([delivery.envelope for delivery in group if delivery.outcome == APPLIED])
        return True

    def _apply_fast(self, session, group: list[Delivery]) -> None:
        """The common case: every inbox row in one statement, the handlers one after the other, no savepoint.
        The first handler that raises rolls the whole batch back, to be redone with a savepoint an event."""
        claimed = claim_many(session, self.service, [delivery.envelope for delivery in group])
        for delivery in group:
            envelope = delivery.envelope
            if envelope.id not in claimed:
                delivery.outcome = DUPLICATE
                continue
            claimed.discard(envelope.id)  # a second copy later in the batch is a duplicate
            with event_context(envelope):
                try:
                    with tracing.consuming(self.service, envelope):
                        self.handlers[envelope.type](session, envelope)
                except Exception as error:
                    raise _RedoWithSavepoints() from error
            delivery.outcome = APPLIED

    def _apply_isolated(self, session, group: list[Delivery]) -> None:
        """A SAVEPOINT an event (inbox claim + handler): a failing handler rolls back its own work only."""
        for delivery in group:
            envelope = delivery.envelope
            with event_context(envelope):
                try:
                    with session.begin_nested():
                        applied = self._claim_and_handle(session, envelope)
                    delivery.outcome = APPLIED if applied else DUPLICATE
                except Exception as error:
                    if not self.database_answers():
                        raise
                    delivery.outcome, delivery.error = FAILED, error

    def _apply_alone(self, delivery: Delivery) -> None:
        """One event in a transaction of its own."""
        with event_context(delivery.envelope):
            try:
                with self.db.transaction() as session:
                    applied = self._claim_and_handle(session, delivery.envelope)
            except Exception as error:
                if not self.database_answers():
                    raise  # nothing acked: redelivered after the consumer reconnects with backoff
                delivery.outcome, delivery.error = FAILED, error
                return
        delivery.outcome = APPLIED if applied else DUPLICATE
        if applied:
            self.after_commit([delivery.envelope])

    def _claim_and_handle(self, session, envelope: Envelope) -> bool:
        """True if applied, False if the inbox already had the event."""
        if not claim(session, self.service, envelope):
            return False
        with tracing.consuming(self.service, envelope):
            self.handlers[envelope.type](session, envelope)
        return True
