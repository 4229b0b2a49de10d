"""A consuming service's worker loop: one durable queue, idempotent handlers, retries, dead letters.

For each message:

1. parse and validate: ``Envelope.from_dict``, the payload against the catalogue
   (``validate_payload``), a handler for its type. An invalid event goes straight to
   ``<exchange>.<service>.dead`` with the reason, without retries;
2. with the event's correlation id bound (events the handler records carry it) and
   ``event_id``/``event_type`` in the log context, in ONE ``db.transaction()``: claim the inbox row
   (already there -> skip the handler), run the handler, commit;
3. ack only after the commit.

A handler that raises: the message is re-sent to the retry queue of the next delay
(``BUS_RETRY_DELAYS``) with ``attempts`` + 1 and ``last_error`` headers, then acked; it comes
back to the service queue when its delay expires. After ``attempts_allowed`` runs it goes to the
dead-letter queue (``python -m chassis.bus.deadletters`` lists and replays them). If the service's
database does not answer at all, the message is not acked: the consumer reconnects with backoff
and the broker delivers it again (an outage is not the event's fault).

On ``memory://`` (embedded stack) the retry delays are kept by the consumer itself (in-process
timers released by its loop); everything else is the same path.
"""
from __future__ import annotations

import heapq
import itertools
import socket
import threading
import time
from dataclasses import replace

import structlog
from kombu import Consumer as KombuConsumer

from chassis.bus import messages, metrics
from chassis.bus.backoff import Backoff
from chassis.bus.connection import open_connection
from chassis.bus.handlers import HandlerTable
from chassis.bus.inbox import claim
from chassis.bus.publisher import open_publisher
from chassis.bus.settings import BusSettings
from chassis.bus.topology import dead_queue_name, declare_service_queues, retry_queue_name
from chassis.correlation import correlation_scope
from chassis.db import Database
from chassis.events.envelope import Envelope
from chassis.events.registry import validate_payload
from chassis.logging import get_logger


class InvalidEvent(Exception):
    """The message cannot be handled whatever the number of attempts."""


class Consumer:
    def __init__(self, service: str, db: Database, handlers: HandlerTable, settings: BusSettings, publisher=None):
        self.service = service
        self.db = db
        self.handlers = dict(handlers)
        self.settings = settings
        self.log = get_logger(service, component="consumer")
        self.queue_name = f"{settings.exchange}.{service}"
        self._publisher = publisher
        self._connection = None
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
                self._connection.drain_events(timeout=min(idle_until - now, self._until_next_retry(), 0.5))
                idle_until = time.monotonic() + timeout
            except socket.timeout:
                pass

    def run_forever(self, stop_event: threading.Event) -> None:
        backoff = Backoff(self.settings.reconnect_max_delay)
        self.log.info("consumer.started", queue=self.queue_name, event_types=sorted(self.handlers))
        while not stop_event.is_set():
            try:
                self._ensure_connected()
                self._release_due_retries()
                try:
                    self._connection.drain_events(timeout=min(1.0, self._until_next_retry()))
                except socket.timeout:
                    pass
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
        for resource in (connection, publisher):
            if resource is not None:
                try:
                    resource.close()
                except Exception:
                    pass

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
            consumer = KombuConsumer(channel, queues=[queue], on_message=self._on_message,
                                     prefetch_count=self.settings.prefetch, accept=[messages.CONTENT_TYPE],
                                     auto_declare=False)
            consumer.consume()
        except Exception:
            connection.close()
            raise
        self._connection = connection

    @property
    def publisher(self):
        if self._publisher is None:
            self._publisher = open_publisher(self.settings, self.service)
        return self._publisher

    # -- one message ------------------------------------------------------------------------
    def _on_message(self, message) -> None:
        headers = {key: value for key, value in (message.headers or {}).items() if not key.startswith("x-")}
        body = message.body if isinstance(message.body, bytes) else str(message.body).encode("utf-8")
        try:
            envelope = self._parse(message)
        except Exception as error:
            self._dead_letter(body, headers, messages.attempts_of(headers), f"invalid event: {error}")
            message.ack()
            return
        with correlation_scope(envelope.correlation_id), \
                structlog.contextvars.bound_contextvars(event_id=envelope.id, event_type=envelope.type):
            try:
                applied = self._apply(envelope)
            except Exception as error:
                if not self._database_answers():
                    raise  # no ack: redelivered after the consumer reconnects with backoff
                self._retry_or_dead_letter(body, {**headers, **messages.event_headers(envelope.to_dict())},
                                           messages.attempts_of(headers) + 1, error)
                message.ack()
                return
            message.ack()
        self._handled += 1
        (metrics.CONSUMED if applied else metrics.DUPLICATES).labels(self.service, envelope.type).inc()
        if not applied:
            self.log.info("consumer.duplicate_skipped", event_id=envelope.id, event_type=envelope.type)

    def _parse(self, message) -> Envelope:
        data = message.decode()
        if not isinstance(data, dict):
            raise InvalidEvent("the body is not a JSON object")
        envelope = Envelope.from_dict(data)
        if envelope.type not in self.handlers:
            raise InvalidEvent(f"no handler for {envelope.type}")
        return replace(envelope, payload=validate_payload(envelope.type, envelope.version, envelope.payload))

    def _apply(self, envelope: Envelope) -> bool:
        with self.db.transaction() as session:
            if not claim(session, self.service, envelope):
                return False
            self.handlers[envelope.type](session, envelope)
        return True

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
