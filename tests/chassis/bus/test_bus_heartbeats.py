"""AMQP heartbeats on the bus's connections, against the real RabbitMQ.

With heartbeats on, RabbitMQ closes a connection that stays silent for about two intervals: a consumer or a
relay left idle must keep sending them, or it finds its connection gone at the next event. And a broker that
vanishes without closing anything (``faults.BlackHole`` in between) must be noticed by the loop itself,
which then reconnects. The tests use 1 s heartbeats to stay short; they wait on what an operator sees (the
``guichet_bus_broker_connected`` gauge, the events handled), with generous deadlines and no timing claim.
"""
from __future__ import annotations

import time
from dataclasses import replace

from prometheus_client import REGISTRY

from chassis.bus.consumer import Consumer
from chassis.bus.publisher import AmqpPublisher
from chassis.bus.relay import OutboxRelay
from chassis.bus.settings import BusSettings
from tests.chassis.bus.faults import BlackHole
from tests.chassis.bus.support import (
    EVENT_TYPE,
    bind_probe,
    effect_count,
    emit,
    record_effect,
    running_in_thread,
    take_all,
)

IDLE = 6.0  # seconds left idle: six 1 s heartbeat intervals, three times what RabbitMQ lets a silent client have


def _connected(service: str, component: str) -> float | None:
    return REGISTRY.get_sample_value("guichet_bus_broker_connected", {"service": service, "component": component})


def _eventually(condition, deadline: float = 60.0) -> bool:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _consumer(db, settings) -> Consumer:
    consumer = Consumer(service="fx", db=db, handlers={EVENT_TYPE: record_effect}, settings=settings)
    consumer.declare()
    return consumer


def _take_ids(settings, queue: str, received: list[str]) -> list[str]:
    received += [envelope["id"] for _, envelope in take_all(settings, queue)]
    return received


def _relay_connection(relay: OutboxRelay):
    publisher = relay._publisher
    return publisher._connection if isinstance(publisher, AmqpPublisher) else None


def test_the_negotiated_heartbeat_is_the_setting(db, settings, monkeypatch):
    monkeypatch.delenv("BUS_HEARTBEAT", raising=False)
    assert BusSettings.from_env().heartbeat == 30
    monkeypatch.setenv("BUS_HEARTBEAT", "7")
    seven = replace(settings, heartbeat=BusSettings.from_env().heartbeat)

    consumer = _consumer(db, seven)
    publisher = AmqpPublisher(seven, "bustest")
    try:
        consumer.drain(timeout=0.1)  # leaves its connection open
        publisher.keep_alive()  # opens its connection
        assert consumer._connection.connection.heartbeat == 7
        assert publisher._connection.get_heartbeat_interval() == 7
    finally:
        consumer.close()
        publisher.close()

    off = AmqpPublisher(replace(settings, heartbeat=0), "bustest")
    try:
        off.keep_alive()
        assert off._connection.connection.heartbeat == 0
    finally:
        off.close()


def test_an_idle_consumer_and_relay_keep_their_connections_and_carry_the_next_event(db, settings):
    settings = replace(settings, heartbeat=1)
    consumer = _consumer(db, settings)
    relay = OutboxRelay(db, settings, producer="bustest")
    with running_in_thread(consumer), running_in_thread(relay):
        assert _eventually(lambda: consumer._connection is not None and _relay_connection(relay) is not None)
        assert _eventually(lambda: _connected("fx", "consumer") == 1 and _connected("bustest", "relay") == 1)
        consumer_connection, relay_connection = consumer._connection, _relay_connection(relay)

        time.sleep(IDLE)
        assert (_connected("fx", "consumer"), _connected("bustest", "relay")) == (1, 1)

        emit(db, "after-the-quiet")
        assert _eventually(lambda: effect_count(db, "after-the-quiet") == 1)
        assert consumer._connection is consumer_connection  # the broker never closed them: no reconnection
        assert _relay_connection(relay) is relay_connection


def test_a_consumer_notices_a_broker_gone_silent_and_handles_what_came_meanwhile(db, settings):
    with BlackHole.in_front_of(settings.url) as hole:
        consumer = _consumer(db, replace(settings, url=hole.url(settings.url), heartbeat=1))
        relay = OutboxRelay(db, settings, producer="bustest")  # straight to the broker
        with running_in_thread(consumer), running_in_thread(relay):
            assert _eventually(lambda: _connected("fx", "consumer") == 1)
            before = consumer._connection

            hole.swallow()
            assert _eventually(lambda: _connected("fx", "consumer") == 0), "the consumer never noticed"
            emit(db, "during-the-outage")
            hole.resume()

            assert _eventually(lambda: effect_count(db, "during-the-outage") == 1)
            # The loop marks the broker reached once the step that applied the effect returns: just after.
            assert _eventually(lambda: _connected("fx", "consumer") == 1)
            assert consumer._connection is not before


def test_a_relay_notices_a_broker_gone_silent_and_publishes_what_came_meanwhile(db, settings):
    probe = bind_probe(settings)
    with BlackHole.in_front_of(settings.url) as hole:
        relay = OutboxRelay(db, replace(settings, url=hole.url(settings.url), heartbeat=1), producer="bustest")
        with running_in_thread(relay):
            assert _eventually(lambda: _relay_connection(relay) is not None and _connected("bustest", "relay") == 1)

            hole.swallow()
            assert _eventually(lambda: _connected("bustest", "relay") == 0), "the relay never noticed"
            event = emit(db, "during-the-outage")
            hole.resume()

            received: list[str] = []
            assert _eventually(lambda: event.id in _take_ids(settings, probe, received))
            assert received == [event.id]


def test_a_broker_gone_silent_during_a_request_does_not_hold_the_consumer(db, settings):
    """The queue-depth sample asks the broker (a channel, a passive declare) and py-amqp waits for the reply
    without a limit: gone silent just then, the broker held the loop, and its heartbeat checks, for ever."""
    with BlackHole.in_front_of(settings.url) as hole:
        consumer = _consumer(db, replace(settings, url=hole.url(settings.url), heartbeat=1))
        with running_in_thread(consumer):
            assert _eventually(lambda: _connected("fx", "consumer") == 1)
            hole.swallow()
            consumer.queues._due = 0.0  # the next turn of the loop samples the queues' depth: a request
            assert _eventually(lambda: _connected("fx", "consumer") == 0), "the consumer is stuck in a request"
            hole.resume()
            assert _eventually(lambda: _connected("fx", "consumer") == 1)
