"""A consuming service's worker loop: one durable queue, idempotent handlers, retries, dead letters.

Deliveries are handled in batches (``BUS_CONSUMER_BATCH``, default 100, on PostgreSQL; 1 on SQLite):
once a delivery arrives, the consumer takes the ones already fetched (prefetch ``BUS_PREFETCH``),
waiting at most ``BUS_CONSUMER_BATCH_WAIT`` seconds for more, then:

1. parses and validates each: the envelope (``chassis.bus.envelope_reading``), the payload against the catalogue
   (``validate_payload``), a handler for its type. An invalid event goes straight to
   ``<exchange>.<service>.dead`` with the reason, without retries;
2. applies the valid ones in one transaction, the inbox beside the handlers' work
   (``chassis.bus.applying``: the fast pass, the savepoint pass, one event a transaction);
3. after the commit: failed events are sent to their retry (or dead-letter) queue
   (``chassis.bus.retrying``), then every delivery of the batch is acked (one ``basic.ack`` with
   ``multiple``). Nothing is acked before the commit: a crash in between redelivers the batch, and the
   inbox skips what was applied.

Handlers may thus run more than once for one delivery (a batch redone after another event failed): the
handler contract already asks them to be deterministic and to touch only the session. With a batch of 1
an event's transaction is a plain one. A handler table naming an event type the catalogue does not know
is refused when the consumer is built (``check_handler_table``).
"""
from __future__ import annotations

import threading
import time
from dataclasses import replace

from kombu import Consumer as KombuConsumer

from chassis.bus import messages, metrics
from chassis.bus.applying import APPLIED, DUPLICATE, FAILED, INVALID, BatchApplier, Delivery, event_context
from chassis.bus.backoff import Backoff
from chassis.bus.connection import close_connection, keep_alive, longest_wait, open_connection
from chassis.bus.envelope_reading import read_envelope
from chassis.bus.handlers import HandlerTable, check_handler_table
from chassis.bus.health import BrokerLiveness
from chassis.bus.publisher import open_publisher
from chassis.bus.queue_depth import QueueDepth
from chassis.bus.retrying import RetryRouter
from chassis.bus.settings import BusSettings
from chassis.bus.topology import declare_service_queues
from chassis.db import Database
from chassis.events.envelope import Envelope
from chassis.events.registry import validate_payload
from chassis.logging import get_logger

__all__ = ["APPLIED", "DUPLICATE", "FAILED", "INVALID", "Consumer", "Delivery", "InvalidEvent"]

IMMEDIATE = 0.001  # seconds: a delivery that follows the previous one this closely joins its batch


class InvalidEvent(Exception):
    """The message cannot be handled whatever the number of attempts."""


class Consumer:
    def __init__(self, service: str, db: Database, handlers: HandlerTable, settings: BusSettings, publisher=None,
                 batch_size: int | None = None):
        check_handler_table(service, handlers)
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
        self._handled = 0
        self.applier = BatchApplier(service, db, metrics.instrumented(service, self.handlers), self.log,
                                    after_commit=self.after_commit)
        self.retries = RetryRouter(service, settings, lambda: self.publisher, self.log)
        self.broker = BrokerLiveness(service, "consumer")  # what its metrics say of the broker
        self.queues = QueueDepth(service, settings, self.log)

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
            self.retries.release_due()
            now = time.monotonic()
            if now >= idle_until:
                return self._handled - before
            try:
                if self._step(min(idle_until - now, self.retries.until_next(), longest_wait(self._connection, 0.5))):
                    idle_until = time.monotonic() + timeout
            except Exception:
                self.close(failed=True)  # unacked deliveries go back to the queue
                raise

    def run_forever(self, stop_event: threading.Event) -> None:
        backoff = Backoff(self.settings.reconnect_max_delay)
        self.log.info("consumer.started", queue=self.queue_name, event_types=sorted(self.handlers),
                      batch=self.batch_size)
        while not stop_event.is_set():
            try:
                self._ensure_connected()
                self.retries.release_due()
                self._step(min(longest_wait(self._connection), self.retries.until_next()))
                backoff.reset()
                self.broker.reached()
                self.queues.sample_if_due(self._connection)
            except Exception as error:
                self.broker.lost()
                delay = backoff.next_delay()
                self.log.warning("consumer.failed", error=messages.error_text(error), retry_in=delay)
                self.close(failed=True)
                stop_event.wait(delay)
        self.close()
        self.log.info("consumer.stopped")

    def close(self, failed: bool = False) -> None:
        """Closes both connections; ``failed``: after a broker failure, without waiting for the broker."""
        connection, self._connection = self._connection, None
        publisher, self._publisher = self._publisher, None
        self._fetched = []  # their delivery tags die with the channel; the broker redelivers them
        if connection is not None:
            close_connection(connection, failed)
        if publisher is not None:
            publisher.close(failed)

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
            close_connection(connection, failed=True)
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
        """Waits up to ``timeout`` for a delivery, then handles it with those that follow; True if any came.
        Keeps both connections alive after the wait and after each batch (heartbeats)."""
        if not self._fetched:  # else the last keep_alive read deliveries already
            try:
                self._connection.drain_events(timeout=timeout)
            except TimeoutError:
                pass
        if not self._fetched:
            self._keep_alive()
            return False
        self._fill_batch()
        while self._fetched:
            batch, self._fetched = self._fetched[:self.batch_size], self._fetched[self.batch_size:]
            deliveries = [self._receive(message) for message in batch]
            self.applier.apply(deliveries)
            self._settle(deliveries)
            self._keep_alive()
        return True

    def _keep_alive(self) -> None:
        keep_alive(self._connection)
        if self._publisher is not None:
            self._publisher.keep_alive()

    def _fill_batch(self) -> None:
        """Takes the deliveries already there (each following within ``IMMEDIATE`` seconds of the last),
        waiting at most ``consumer_batch_wait`` seconds in all for more, up to the batch size."""
        deadline = time.monotonic() + self.settings.consumer_batch_wait
        while len(self._fetched) < self.batch_size:
            try:
                self._connection.drain_events(timeout=max(deadline - time.monotonic(), IMMEDIATE))
            except TimeoutError:
                return

    def _receive(self, message) -> Delivery:
        headers = {key: value for key, value in (message.headers or {}).items() if not key.startswith("x-")}
        body = message.body if isinstance(message.body, bytes) else str(message.body).encode("utf-8")
        delivery = Delivery(message, body, headers)
        try:
            delivery.envelope = self._parse(message)
        except Exception as error:
            self.retries.dead_letter(body, headers, messages.attempts_of(headers), f"invalid event: {error}")
            delivery.outcome = INVALID
        return delivery

    def _parse(self, message) -> Envelope:
        data = messages.decode_body(message)
        if not isinstance(data, dict):
            raise InvalidEvent("the body is not a JSON object")
        envelope = read_envelope(data)
        if envelope.type not in self.handlers:
            raise InvalidEvent(f"no handler for {envelope.type}")
        return replace(envelope, payload=validate_payload(envelope.type, envelope.version, envelope.payload))

    # -- settling ---------------------------------------------------------------------------
    def _settle(self, deliveries: list[Delivery]) -> None:
        """After the commit(s): failed events to their retry or dead-letter queue, then ack everything."""
        for delivery in deliveries:
            if delivery.outcome == FAILED:
                with event_context(delivery.envelope):
                    self.retries.retry_or_dead_letter(
                        delivery.body, {**delivery.headers, **messages.event_headers(delivery.envelope.to_dict())},
                        messages.attempts_of(delivery.headers) + 1, delivery.error)
        self._ack(deliveries)
        for delivery in deliveries:
            if delivery.outcome not in (APPLIED, DUPLICATE):
                continue
            self._handled += 1
            envelope = delivery.envelope
            metrics.count_handled(self.service, envelope, duplicate=delivery.outcome == DUPLICATE)
            if delivery.outcome == DUPLICATE:
                with event_context(envelope):
                    self.log.info("consumer.duplicate_skipped", event_id=envelope.id, event_type=envelope.type)

    def _ack(self, deliveries: list[Delivery]) -> None:
        if not deliveries:
            return
        if self.settings.is_memory:  # kombu's virtual transport ignores ``multiple``
            for delivery in deliveries:
                delivery.message.ack()
        else:  # the batch is every unacked delivery of the channel up to its last one
            deliveries[-1].message.ack(multiple=True)
