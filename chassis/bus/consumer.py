"""A consuming service's worker loop: one durable queue, idempotent handlers, retries, dead letters.

Deliveries are handled in batches (``BUS_CONSUMER_BATCH``, default 100, on PostgreSQL; 1 on SQLite):
once a delivery arrives, the consumer takes the ones already fetched (prefetch ``BUS_PREFETCH``),
waiting at most ``BUS_CONSUMER_BATCH_WAIT`` seconds for more, then:

1. parses and validates each: ``Envelope.from_dict``, the payload against the catalogue
   (``validate_payload``), a handler for its type. An invalid event goes straight to
   ``<exchange>.<service>.dead`` with the reason, without retries;
2. in ONE ``db.transaction()``, with each event's correlation id bound (events the handler records
   carry it) and ``event_id``/``event_type`` in the log context while its handler runs:

   - fast pass (the common case): the batch's inbox rows in one ``INSERT .. ON CONFLICT DO NOTHING``
     (events already there are skipped), then the handlers one after the other, then commit;
   - if a handler raised (or that commit failed), the batch is rolled back and redone with a
     SAVEPOINT an event (``session.begin_nested()``: inbox claim + handler inside it): a failing
     handler rolls back its own savepoint only, the others go on, then commit. (Savepoints only on
     this path: a PostgreSQL transaction with more than 64 subtransactions that wrote slows every
     other session's snapshots, and each savepoint is two more round trips);
   - if that commit fails too while the database answers (e.g. a deferred constraint of one event),
     each event is handled in a transaction of its own, so the faulty one takes the retry path alone;
3. after the commit: failed events are sent to their retry (or dead-letter) queue, then every
   delivery of the batch is acked (one ``basic.ack`` with ``multiple``). Nothing is acked before the
   commit: a crash in between redelivers the batch, and the inbox skips what was applied.

Handlers may thus run more than once for one delivery (a batch redone after another event failed):
the handler contract already asks them to be deterministic and to touch only the session. Handlers
marked ``@own_transaction`` (``chassis.bus.handlers``) always get a transaction of their own. With a
batch of 1 an event's transaction is a plain one.

A handler that raises: the message is re-sent to the retry queue of the next delay
(``BUS_RETRY_DELAYS``) with ``attempts`` + 1 and ``last_error`` headers, then acked; it comes
back to the service queue when its delay expires. After ``attempts_allowed`` runs it goes to the
dead-letter queue (``python -m chassis.bus.deadletters`` lists and replays them). If the service's
database does not answer at all, nothing of the batch is acked: the consumer reconnects with backoff
and the broker delivers the messages again (an outage is not the events' fault).

On ``memory://`` (embedded stack) the retry delays are kept by the consumer itself (in-process
timers released by its loop); everything else is the same path.
"""
from __future__ import annotations

import heapq
import itertools
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import structlog
from kombu import Consumer as KombuConsumer

from chassis.bus import messages, metrics
from chassis.bus.backoff import Backoff
from chassis.bus.connection import open_connection
from chassis.bus.handlers import HandlerTable, needs_own_transaction
from chassis.bus.inbox import claim, claim_many
from chassis.bus.publisher import open_publisher
from chassis.bus.settings import BusSettings
from chassis.bus.topology import dead_queue_name, declare_service_queues, retry_queue_name
from chassis.correlation import correlation_scope
from chassis.db import Database
from chassis.events.envelope import Envelope
from chassis.events.registry import validate_payload
from chassis.logging import get_logger

APPLIED, DUPLICATE, FAILED, INVALID = "applied", "duplicate", "failed", "invalid"
IMMEDIATE = 0.001  # seconds: a delivery that follows the previous one this closely joins its batch


class InvalidEvent(Exception):
    """The message cannot be handled whatever the number of attempts."""


class _RedoWithSavepoints(Exception):
    """A handler raised during a batch's fast pass: roll the batch back, redo it a savepoint an event."""


@dataclass
class Delivery:
    """One fetched message and what became of it."""
    message: Any
    body: bytes
    headers: dict
    envelope: Envelope | None = None
    outcome: str = ""
    error: Exception | None = None


class Consumer:
    def __init__(self, service: str, db: Database, handlers: HandlerTable, settings: BusSettings, publisher=None,
                 batch_size: int | None = None):
        self.service = service
        self.db = db
        self.handlers = dict(handlers)
        self.settings = settings
        self.log = get_logger(service, component="consumer")
        self.queue_name = f"{settings.exchange}.{service}"
        # SQLite (pysqlite) has no reliable SAVEPOINT without engine-wide workarounds: one event a transaction.
        self.batch_size = max(1, batch_size or settings.consumer_batch) if db.is_postgres else 1
        self._publisher = publisher
        self._connection = None
        self._fetched: list = []
        self._delayed: list[tuple[float, int, bytes, dict]] = []
        self._sequence = itertools.count()
        self._handled = 0

    # -- public -----------------------------------------------------------------------------
    def declare(self) -> None:
        """Declares the exchange, the service queue bound to the handler table's keys, retry and dead queues."""
        with open_connection(self.settings) as connection:
            self._declare(connection.channel())

    def drain(self, timeout: float = 2.0) -> int:
        """Handles messages until none came for ``timeout`` seconds; returns how many were handled."""
        self._ensure_connected()
        before = self._handled
        idle_until = time.monotonic() + timeout
        while True:
            self._release_due_retries()
            now = time.monotonic()
            if now >= idle_until:
                return self._handled - before
            try:
                if self._step(min(idle_until - now, self._until_next_retry(), 0.5)):
                    idle_until = time.monotonic() + timeout
            except Exception:
                self.close()  # unacked deliveries go back to the queue
                raise

    def run_forever(self, stop_event: threading.Event) -> None:
        backoff = Backoff(self.settings.reconnect_max_delay)
        self.log.info("consumer.started", queue=self.queue_name, event_types=sorted(self.handlers),
                      batch=self.batch_size)
        while not stop_event.is_set():
            try:
                self._ensure_connected()
                self._release_due_retries()
                self._step(min(1.0, self._until_next_retry()))
                backoff.reset()
            except Exception as error:
                delay = backoff.next_delay()
                self.log.warning("consumer.failed", error=messages.error_text(error), retry_in=delay)
                self.close()
                stop_event.wait(delay)
        self.close()
        self.log.info("consumer.stopped")

    def close(self) -> None:
        connection, self._connection = self._connection, None
        publisher, self._publisher = self._publisher, None
        self._fetched = []  # their delivery tags die with the channel; the broker redelivers them
        for resource in (connection, publisher):
            if resource is not None:
                try:
                    resource.close()
                except Exception:
                    pass

    def after_commit(self, applied: list[Envelope]) -> None:
        """Called right after a transaction that applied ``applied`` committed (a hook for benchmarks)."""

    # -- connection -------------------------------------------------------------------------
    def _declare(self, channel):
        return declare_service_queues(channel, self.settings.exchange, self.service, self.handlers,
                                      self.settings.retry_delays)

    def _ensure_connected(self) -> None:
        if self._connection is not None:
            return
        connection = open_connection(self.settings)
        try:
            connection.connect()
            channel = connection.channel()
            queue = self._declare(channel)
            consumer = KombuConsumer(channel, queues=[queue], on_message=self._fetched_one,
                                     prefetch_count=self.settings.prefetch, accept=[messages.CONTENT_TYPE],
                                     auto_declare=False)
            consumer.consume()
        except Exception:
            connection.close()
            raise
        self._fetched = []
        self._connection = connection

    @property
    def publisher(self):
        if self._publisher is None:
            self._publisher = open_publisher(self.settings, self.service)
        return self._publisher

    # -- fetching ---------------------------------------------------------------------------
    def _fetched_one(self, message) -> None:
        self._fetched.append(message)

    def _step(self, timeout: float) -> bool:
        """Waits up to ``timeout`` for a delivery, then handles it with those that follow; True if any came."""
        try:
            self._connection.drain_events(timeout=timeout)
        except socket.timeout:
            pass
        if not self._fetched:
            return False
        self._fill_batch()
        while self._fetched:
            batch, self._fetched = self._fetched[:self.batch_size], self._fetched[self.batch_size:]
            self._handle_batch([self._receive(message) for message in batch])
        return True

    def _fill_batch(self) -> None:
        """Takes the deliveries already there (each following within ``IMMEDIATE`` seconds of the last),
        waiting at most ``consumer_batch_wait`` seconds in all for more, up to the batch size."""
        deadline = time.monotonic() + self.settings.consumer_batch_wait
        while len(self._fetched) < self.batch_size:
            try:
                self._connection.drain_events(timeout=max(deadline - time.monotonic(), IMMEDIATE))
            except socket.timeout:
                return

    def _receive(self, message) -> Delivery:
        headers = {key: value for key, value in (message.headers or {}).items() if not key.startswith("x-")}
        body = message.body if isinstance(message.body, bytes) else str(message.body).encode("utf-8")
        delivery = Delivery(message, body, headers)
        try:
            delivery.envelope = self._parse(message)
        except Exception as error:
            self._dead_letter(body, headers, messages.attempts_of(headers), f"invalid event: {error}")
            delivery.outcome = INVALID
        return delivery

    def _parse(self, message) -> Envelope:
        data = message.decode()
        if not isinstance(data, dict):
            raise InvalidEvent("the body is not a JSON object")
        envelope = Envelope.from_dict(data)
        if envelope.type not in self.handlers:
            raise InvalidEvent(f"no handler for {envelope.type}")
        return replace(envelope, payload=validate_payload(envelope.type, envelope.version, envelope.payload))

    # -- handling ---------------------------------------------------------------------------
    def _handle_batch(self, deliveries: list[Delivery]) -> None:
        """Applies the valid deliveries (batched where allowed, in order), then settles them all."""
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
        self._settle(deliveries)

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
            if not self._database_answers():
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
            with self._event_context(envelope):
                try:
                    self.handlers[envelope.type](session, envelope)
                except Exception as error:
                    raise _RedoWithSavepoints() from error
            delivery.outcome = APPLIED

    def _apply_isolated(self, session, group: list[Delivery]) -> None:
        """A SAVEPOINT an event (inbox claim + handler): a failing handler rolls back its own work only."""
        for delivery in group:
            envelope = delivery.envelope
            with self._event_context(envelope):
                try:
                    with session.begin_nested():
                        applied = self._claim_and_handle(session, envelope)
                    delivery.outcome = APPLIED if applied else DUPLICATE
                except Exception as error:
                    if not self._database_answers():
                        raise
                    delivery.outcome, delivery.error = FAILED, error

    def _apply_alone(self, delivery: Delivery) -> None:
        with self._event_context(delivery.envelope):
            try:
                applied = self._apply(delivery.envelope)
            except Exception as error:
                if not self._database_answers():
                    raise  # nothing acked: redelivered after the consumer reconnects with backoff
                delivery.outcome, delivery.error = FAILED, error
                return
        delivery.outcome = APPLIED if applied else DUPLICATE
        if applied:
            self.after_commit([delivery.envelope])

    def _apply(self, envelope: Envelope) -> bool:
        """One event in a transaction of its own; True if applied, False if the inbox already had it."""
        with self.db.transaction() as session:
            return self._claim_and_handle(session, envelope)

    def _claim_and_handle(self, session, envelope: Envelope) -> bool:
        if not claim(session, self.service, envelope):
            return False
        self.handlers[envelope.type](session, envelope)
        return True

    def _settle(self, deliveries: list[Delivery]) -> None:
        """After the commit(s): failed events to their retry or dead-letter queue, then ack everything."""
        for delivery in deliveries:
            if delivery.outcome == FAILED:
                with self._event_context(delivery.envelope):
                    self._retry_or_dead_letter(
                        delivery.body, {**delivery.headers, **messages.event_headers(delivery.envelope.to_dict())},
                        messages.attempts_of(delivery.headers) + 1, delivery.error)
        self._ack(deliveries)
        for delivery in deliveries:
            if delivery.outcome not in (APPLIED, DUPLICATE):
                continue
            self._handled += 1
            envelope = delivery.envelope
            (metrics.CONSUMED if delivery.outcome == APPLIED else metrics.DUPLICATES).labels(
                self.service, envelope.type).inc()
            if delivery.outcome == DUPLICATE:
                with self._event_context(envelope):
                    self.log.info("consumer.duplicate_skipped", event_id=envelope.id, event_type=envelope.type)

    def _ack(self, deliveries: list[Delivery]) -> None:
        if not deliveries:
            return
        if self.settings.is_memory:  # kombu's virtual transport ignores ``multiple``
            for delivery in deliveries:
                delivery.message.ack()
        else:  # the batch is every unacked delivery of the channel up to its last one
            deliveries[-1].message.ack(multiple=True)

    @staticmethod
    @contextmanager
    def _event_context(envelope: Envelope):
        with correlation_scope(envelope.correlation_id), \
                structlog.contextvars.bound_contextvars(event_id=envelope.id, event_type=envelope.type):
            yield

    def _database_answers(self) -> bool:
        try:
            self.db.ping()
            return True
        except Exception:
            return False

    def _retry_or_dead_letter(self, body: bytes, headers: dict, failures: int, error: Exception) -> None:
        headers = {**headers, messages.ATTEMPTS: failures, messages.LAST_ERROR: messages.error_text(error)}
        event_type = headers.get("event_type", "")
        if failures >= self.settings.attempts_allowed:
            self._dead_letter(body, headers, failures, error)
            return
        delay = self.settings.delay_before_retry(failures)
        if self.settings.is_memory:
            heapq.heappush(self._delayed, (time.monotonic() + delay, next(self._sequence), body, headers))
        else:
            self.publisher.send_to_queue(retry_queue_name(self.settings.exchange, self.service, delay), body, headers)
        metrics.RETRIED.labels(self.service, event_type).inc()
        self.log.warning("consumer.retry_scheduled", attempts=failures, retry_in=delay,
                         error=headers[messages.LAST_ERROR])

    def _dead_letter(self, body: bytes, headers: dict, attempts: int, error) -> None:
        headers = {**headers, messages.ATTEMPTS: attempts, messages.LAST_ERROR: messages.error_text(error),
                   messages.DEAD_LETTERED_AT: messages.now_iso()}
        self.publisher.send_to_queue(dead_queue_name(self.settings.exchange, self.service), body, headers)
        metrics.DEAD_LETTERED.labels(self.service, headers.get("event_type", "")).inc()
        self.log.error("consumer.dead_lettered", event_id=headers.get("event_id"), attempts=attempts,
                       error=headers[messages.LAST_ERROR])

    # -- in-process retry delays (memory://) ------------------------------------------------
    def _until_next_retry(self) -> float:
        return max(0.01, self._delayed[0][0] - time.monotonic()) if self._delayed else 1.0

    def _release_due_retries(self) -> None:
        while self._delayed and self._delayed[0][0] <= time.monotonic():
            _, _, body, headers = heapq.heappop(self._delayed)
            self.publisher.send_to_queue(self.queue_name, body, headers)
