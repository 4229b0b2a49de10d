"""Publishing to the broker: persistent messages, ``mandatory``, publisher confirms with a timeout.

``open_publisher(settings)`` picks the implementation from the URL:

- ``AmqpPublisher`` (RabbitMQ): the channel is put in confirm mode once; a batch of messages is
  sent without waiting, then the broker's acks for the whole batch are awaited together (at most
  ``confirm_timeout`` seconds, never for ever). A nack or a timeout raises, so the caller (the
  relay) rolls back and publishes the batch again later: at-least-once.
- ``MemoryPublisher`` (``memory://``, the embedded one-process stack): kombu's in-memory
  transport; it has no confirms (a put into an in-process queue cannot be lost in transit).

Unroutable events (``mandatory``: no queue bound for the event type) are noticed: a warning log
line with the event id and the ``guichet_bus_unroutable_total`` counter. They are not lost: the
publisher parks them, with confirms, in the ``<exchange>.unroutable`` queue, and the relay then marks
their outbox rows published (the broker holds them; republishing would only loop).

A publisher's connection stays open between batches: its owner (the relay, a consumer) calls ``keep_alive``
while it idles, which keeps the AMQP heartbeats going (``chassis.bus.connection``).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import amqp
from kombu import Producer

from chassis.bus import messages, metrics
from chassis.bus.connection import close_connection, keep_alive, longest_wait, open_connection
from chassis.bus.frames import publish_frames
from chassis.bus.settings import BusSettings
from chassis.bus.topology import declare_exchange, unroutable_queue_name
from chassis.logging import get_logger


class PublishError(Exception):
    """The broker did not confirm (nack, timeout, or a direct send that could not be routed)."""


@dataclass
class PublishReport:
    published: int = 0
    unroutable: list[str] = field(default_factory=list)


@dataclass
class EncodedEvent:
    """An event as it goes on the wire: its routing key (type), JSON body and headers (``chassis.bus.messages``)."""
    event_type: str
    body: bytes
    headers: dict


def encoded_event(envelope: dict) -> EncodedEvent:
    return EncodedEvent(envelope["type"], messages.encode(envelope), messages.event_headers(envelope))


@dataclass
class _Outgoing:
    exchange: str
    routing_key: str
    body: bytes
    headers: dict


def open_publisher(settings: BusSettings, service: str = "bus"):
    return MemoryPublisher(settings, service) if settings.is_memory else AmqpPublisher(settings, service)


class AmqpPublisher:
    def __init__(self, settings: BusSettings, service: str = "bus"):
        self.settings = settings
        self.service = service
        self.log = get_logger(service, component="publisher")
        self._connection = None
        self._channel = None
        self._last_tag = 0
        self._pending: set[int] = set()
        self._nacked = 0
        self._returned: list[tuple[bytes, dict]] = []

    # -- public -----------------------------------------------------------------------------
    def publish_events(self, envelopes: list[dict]) -> PublishReport:
        """Publishes the envelopes to the topic exchange in order; returns once all are confirmed."""
        return self.publish_encoded([encoded_event(envelope) for envelope in envelopes])

    def publish_encoded(self, events: list[EncodedEvent]) -> PublishReport:
        """``publish_events`` of envelopes already encoded (the relay's rows as stored)."""
        outgoing = [_Outgoing(self.settings.exchange, event.event_type, event.body, event.headers) for event in events]
        returned = self._send_confirmed(outgoing)
        report = PublishReport(published=len(events))
        if returned:
            self._send_confirmed([_Outgoing("", unroutable_queue_name(self.settings.exchange), body, headers)
                                  for body, headers in returned], allow_returns=False)
            for _, headers in returned:
                report.unroutable.append(headers.get("event_id", ""))
                metrics.UNROUTABLE.labels(self.service, headers.get("event_type", "")).inc()
                self.log.warning("bus.unroutable", event_id=headers.get("event_id"),
                                 event_type=headers.get("event_type"),
                                 parked_in=unroutable_queue_name(self.settings.exchange))
        return report

    def send_to_queue(self, queue: str, body: bytes, headers: dict) -> None:
        """Sends one message straight to ``queue`` (retries, dead letters, replays), confirmed."""
        self._send_confirmed([_Outgoing("", queue, body, headers)], allow_returns=False)

    def keep_alive(self) -> None:
        """Opens the connection if it is not open, else keeps it alive (heartbeats); on a broker failure the
        connection is closed and the error raised."""
        if self._channel is None:
            self._open()
            return
        try:
            keep_alive(self._connection)
        except BaseException:
            self.close(failed=True)
            raise

    def longest_wait(self, ceiling: float) -> float:
        """How long its owner may idle before the next ``keep_alive`` (half the heartbeat interval)."""
        return ceiling if self._connection is None else longest_wait(self._connection, ceiling)

    def close(self, failed: bool = False) -> None:
        """``failed``: after a broker failure, without waiting for the broker (``close_connection``)."""
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None:
            close_connection(connection, failed)

    # -- internals --------------------------------------------------------------------------
    def _open(self):
        if self._channel is None:
            connection = open_connection(self.settings)
            try:
                connection.connect()
                channel = connection.channel()
                declare_exchange(channel, self.settings.exchange)
                channel.confirm_select()
            except BaseException:
                close_connection(connection, failed=True)
                raise
            channel.events["basic_ack"].add(self._on_ack)
            channel.events["basic_nack"].add(self._on_nack)
            channel.events["basic_return"].add(self._on_return)
            self._connection, self._channel, self._last_tag = connection, channel, 0
        return self._channel

    def _send_confirmed(self, outgoing: list[_Outgoing], allow_returns: bool = True) -> list[tuple[bytes, dict]]:
        channel = self._open()
        self._pending, self._nacked, self._returned = set(), 0, []
        try:
            self._write(channel, outgoing)
            self._wait_for_confirms()
        except BaseException:
            self.close(failed=True)  # delivery tags and half-read frames are unknown now: start afresh next time
            raise
        if self._nacked:
            raise PublishError(f"the broker refused {self._nacked} message(s) (nack)")
        if self._returned and not allow_returns:
            raise PublishError(f"no queue for {[h.get('event_id') for _, h in self._returned]}")
        return self._returned

    def _write(self, channel, outgoing: list[_Outgoing]) -> None:
        """Every message's frames in order, written to the socket together (``chassis.bus.frames``); a message
        of another shape goes through py-amqp, after the ones before it."""
        connection = channel.connection
        ready: list[bytes] = []
        for item in outgoing:
            frames = publish_frames(channel.channel_id, connection.frame_max, item.exchange, item.routing_key,
                                    item.body, item.headers, messages.CONTENT_TYPE, item.headers.get("event_id"),
                                    item.headers.get("correlation_id"), item.headers.get("event_type"))
            if frames is None:
                self._flush(connection, ready)
                channel.basic_publish(self._message(item), exchange=item.exchange, routing_key=item.routing_key,
                                      mandatory=True)
            else:
                ready.append(frames)
            self._last_tag += 1
            self._pending.add(self._last_tag)
        self._flush(connection, ready)

    @staticmethod
    def _flush(connection, ready: list[bytes]) -> None:
        if ready:
            connection.transport.write(b"".join(ready))
            connection.bytes_sent += 1  # as py-amqp's writer counts: the heartbeat check sees this side spoke
            ready.clear()

    def _wait_for_confirms(self) -> None:
        deadline = time.monotonic() + self.settings.confirm_timeout
        while self._pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PublishError(f"no publisher confirm within {self.settings.confirm_timeout}s "
                                   f"({len(self._pending)} message(s) unconfirmed)")
            try:
                self._connection.drain_events(timeout=longest_wait(self._connection, remaining))
            except TimeoutError:
                pass
            keep_alive(self._connection)  # a broker slow to confirm still hears from this side, a dead one is noticed

    @staticmethod
    def _message(item: _Outgoing) -> amqp.Message:
        return amqp.Message(item.body, content_type=messages.CONTENT_TYPE, content_encoding="utf-8",
                            application_headers=item.headers, delivery_mode=2,
                            message_id=item.headers.get("event_id") or None,
                            correlation_id=item.headers.get("correlation_id") or None,
                            type=item.headers.get("event_type") or None)

    def _settle(self, delivery_tag: int, multiple: bool) -> int:
        settled = {tag for tag in self._pending if tag <= delivery_tag} if multiple else {delivery_tag}
        settled &= self._pending
        self._pending -= settled
        return len(settled)

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        self._settle(delivery_tag, multiple)

    def _on_nack(self, delivery_tag: int, multiple: bool) -> None:
        self._nacked += self._settle(delivery_tag, multiple)

    def _on_return(self, _exc, _exchange, _routing_key, message) -> None:
        body = message.body if isinstance(message.body, bytes) else str(message.body).encode("utf-8")
        self._returned.append((body, dict(message.properties.get("application_headers") or {})))


class MemoryPublisher:
    """The same contract over kombu's in-process ``memory://`` transport (shared by all threads)."""

    def __init__(self, settings: BusSettings, service: str = "bus"):
        self.settings = settings
        self.service = service
        self.log = get_logger(service, component="publisher")
        self._connection = open_connection(settings)
        self._channel = self._connection.channel()
        declare_exchange(self._channel, settings.exchange)
        self._producer = Producer(self._channel)

    def publish_events(self, envelopes: list[dict]) -> PublishReport:
        return self.publish_encoded([encoded_event(envelope) for envelope in envelopes])

    def publish_encoded(self, events: list[EncodedEvent]) -> PublishReport:
        report = PublishReport()
        for event in events:
            body, headers = event.body, event.headers
            if self._channel._lookup(self.settings.exchange, event.event_type):
                self._put(self.settings.exchange, event.event_type, body, headers)
            else:
                self._put("", unroutable_queue_name(self.settings.exchange), body, headers)
                report.unroutable.append(headers["event_id"])
                metrics.UNROUTABLE.labels(self.service, headers["event_type"]).inc()
                self.log.warning("bus.unroutable", event_id=headers["event_id"], event_type=headers["event_type"],
                                 parked_in=unroutable_queue_name(self.settings.exchange))
            report.published += 1
        return report

    def send_to_queue(self, queue: str, body: bytes, headers: dict) -> None:
        self._put("", queue, body, headers)

    def keep_alive(self) -> None:
        """In process: nothing to keep alive."""

    def longest_wait(self, ceiling: float) -> float:
        return ceiling

    def close(self, failed: bool = False) -> None:
        self._connection.release()

    def _put(self, exchange: str, routing_key: str, body: bytes, headers: dict) -> None:
        self._producer.publish(body, exchange=exchange, routing_key=routing_key, content_type=messages.CONTENT_TYPE,
                               content_encoding="utf-8", headers=headers, delivery_mode=2,
                               message_id=headers.get("event_id"), correlation_id=headers.get("correlation_id"))
