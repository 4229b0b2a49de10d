"""The consumer and relay loops tell their metrics whether they reach the broker: a loop that talked to
RabbitMQ says connected, one that failed on it says not (no probe opens a connection of its own)."""
from __future__ import annotations

import dataclasses
import time

from prometheus_client import REGISTRY

from chassis.bus.consumer import Consumer
from chassis.bus.relay import OutboxRelay
from tests.chassis.bus.support import EVENT_TYPE, emit, record_effect, running_in_thread


def _connected(service: str, component: str) -> float | None:
    return REGISTRY.get_sample_value("guichet_bus_broker_connected", {"service": service, "component": component})


def _eventually(condition, attempts: int = 200) -> bool:
    for _ in range(attempts):
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_a_consumer_that_reaches_the_broker_says_so_and_one_that_cannot_says_not(db, settings):
    consumer = Consumer(service="fx", db=db, handlers={EVENT_TYPE: record_effect}, settings=settings)
    with running_in_thread(consumer):
        assert _eventually(lambda: consumer.broker.healthy(within=60))
    assert _connected("fx", "consumer") == 1

    nowhere = dataclasses.replace(settings, url="amqp://guest:guest@127.0.0.1:1//")
    stranded = Consumer(service="fx", db=db, handlers={EVENT_TYPE: record_effect}, settings=nowhere)
    with running_in_thread(stranded):
        assert _eventually(lambda: _connected("fx", "consumer") == 0)
    assert not stranded.broker.healthy(within=60)


def test_a_relay_that_published_says_it_reached_the_broker(db, settings):
    emit(db, "signal")
    relay = OutboxRelay(db, settings, producer="bustest")
    with running_in_thread(relay):
        assert _eventually(lambda: relay.broker.healthy(within=60))
    assert _connected("bustest", "relay") == 1
