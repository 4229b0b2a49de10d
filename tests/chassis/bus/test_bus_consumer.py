"""The consumer: inbox, retries with backoff, dead letters and their replay, against real servers."""
from __future__ import annotations

import json
import subprocess
import time

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select

from chassis.bus.consumer import Consumer
from chassis.bus.deadletters import DeadLetterQueue, UnroutableQueue
from chassis.bus.deadletters import main as deadletters_cli
from chassis.bus.outbox import record_event
from chassis.bus.publisher import open_publisher
from chassis.bus.relay import OutboxRelay
from chassis.bus.tables import OutboxMessage
from chassis.bus.topology import unroutable_queue_name
from chassis.correlation import correlation_scope
from chassis.events.envelope import Envelope
from tests.chassis.bus.support import EVENT_TYPE, OTHER_TYPE, effect_count, effects, emit, record_effect, take_all

pytestmark = [pytest.mark.integration, pytest.mark.timeout(90)]


def _metric(name: str, service: str, event_type: str) -> float:
    return REGISTRY.get_sample_value(name, {"service": service, "event_type": event_type}) or 0.0


def _publish_raw(settings, *envelopes: dict) -> None:
    publisher = open_publisher(settings, "bustest")
    try:
        publisher.publish_events(list(envelopes))
    finally:
        publisher.close()


def effects_ids(db) -> list[str]:
    return [effect.event_id for effect in effects(db)]


def _relay_all(db, settings, producer="bustest") -> int:
    relay = OutboxRelay(db, settings, producer=producer)
    try:
        return relay.run_once()
    finally:
        relay.close_publisher()


def test_the_same_event_delivered_twice_has_one_effect(db, settings):
    consumer = Consumer(service="fx", db=db, handlers={EVENT_TYPE: record_effect}, settings=settings)
    consumer.declare()
    envelope = Envelope(type=EVENT_TYPE, payload={"key": "twice"}, producer="bustest", correlation_id="c1").to_dict()
    duplicates_before = _metric("guichet_bus_duplicates_total", "fx", EVENT_TYPE)
    _publish_raw(settings, envelope, envelope)
    try:
        assert consumer.drain(timeout=0.5) == 2
    finally:
        consumer.close()
    assert effect_count(db, "twice") == 1
    assert _metric("guichet_bus_duplicates_total", "fx", EVENT_TYPE) == duplicates_before + 1


@pytest.mark.parametrize("queue_type", ["classic", "quorum"])
def test_a_failing_handler_is_retried_with_growing_delays_then_dead_lettered_then_replayed(
        db, settings, capsys, monkeypatch, queue_type):
    monkeypatch.setenv("BUS_QUEUE_TYPE", queue_type)
    calls: list[float] = []
    fixed = {"yes": False}

    def flaky(session, envelope):
        calls.append(time.monotonic())
        if not fixed["yes"]:
            raise RuntimeError("le service est en panne / service down")
        record_effect(session, envelope)

    consumer = Consumer(service="fx", db=db, handlers={EVENT_TYPE: flaky}, settings=settings)
    consumer.declare()
    if queue_type == "quorum":
        listed = subprocess.run(["rabbitmqctl", "-q", "list_queues", "name", "type"], capture_output=True,
                                text=True, timeout=30).stdout
        types = dict(line.split("\t")[:2] for line in listed.splitlines() if line.startswith(settings.exchange))
        assert types[f"{settings.exchange}.fx"] == "quorum" and types[f"{settings.exchange}.fx.dead"] == "quorum"
    event = emit(db, "flaky")
    assert _relay_all(db, settings) == 1
    try:
        consumer.drain(timeout=1.0)
        assert len(calls) == 3  # the first run + one retry per delay (0.2 s, 0.4 s)
        # The broker holds each retry for its delay (the queue's TTL): a lower bound, which a loaded machine
        # can only lengthen (comparing the two gaps with each other is what a loaded machine could upset).
        gaps = [later - earlier for earlier, later in zip(calls, calls[1:], strict=False)]
        assert gaps[0] >= 0.2 and gaps[1] >= 0.4
        assert effect_count(db, "flaky") == 0

        dead = DeadLetterQueue(settings, "fx")
        [letter] = dead.list()
        assert letter.event_id == event.id and letter.event_type == EVENT_TYPE and letter.attempts == 3
        assert "service down" in letter.last_error and letter.dead_lettered_at
        assert dead.list() == [letter]  # listing put it back

        cli = ["--service", "fx", "--url", settings.url, "--exchange", settings.exchange]
        assert deadletters_cli(cli + ["list"]) == 0
        assert event.id in capsys.readouterr().out
        assert deadletters_cli(cli + ["show", event.id]) == 0
        assert json.loads(capsys.readouterr().out)["envelope"]["payload"] == {"key": "flaky"}

        fixed["yes"] = True
        assert deadletters_cli(cli + ["replay", event.id]) == 0
        assert consumer.drain(timeout=0.5) == 1
    finally:
        consumer.close()
    assert effect_count(db, "flaky") == 1
    assert DeadLetterQueue(settings, "fx").list() == []


def test_an_invalid_payload_is_dead_lettered_without_retries(db, settings):
    calls = []
    consumer = Consumer(service="fx", db=db, handlers={EVENT_TYPE: lambda s, e: calls.append(e)}, settings=settings)
    consumer.declare()
    bad = Envelope(type=EVENT_TYPE, payload={"key": 42}, producer="bustest", correlation_id="c2").to_dict()
    retried_before = _metric("guichet_bus_retried_total", "fx", EVENT_TYPE)
    _publish_raw(settings, bad)
    try:
        consumer.drain(timeout=0.6)  # longer than the first retry delay
    finally:
        consumer.close()
    assert calls == []
    [letter] = DeadLetterQueue(settings, "fx").list()
    assert letter.event_id == bad["id"] and letter.attempts == 0
    assert letter.last_error.startswith("invalid event") and "key" in letter.last_error
    assert _metric("guichet_bus_retried_total", "fx", EVENT_TYPE) == retried_before


def test_events_recorded_by_a_handler_carry_the_consumed_events_correlation_id(db, settings):
    def forward(session, envelope):
        record_event(session, "corr", OTHER_TYPE, {"key": envelope.payload["key"]})

    consumer = Consumer(service="corr", db=db, handlers={EVENT_TYPE: forward}, settings=settings)
    consumer.declare()
    with correlation_scope("req-7f3a"):
        emit(db, "follow")
    assert _relay_all(db, settings) == 1
    try:
        assert consumer.drain(timeout=0.5) == 1
    finally:
        consumer.close()
    with db.reading() as session:
        [caused] = session.scalars(select(OutboxMessage).where(OutboxMessage.event_type == OTHER_TYPE)).all()
    assert caused.envelope["correlation_id"] == "req-7f3a"


def test_an_unroutable_event_is_noticed_and_parked(db, settings):
    before = _metric("guichet_bus_unroutable_total", "bustest", OTHER_TYPE)
    event = emit(db, "nobody", event_type=OTHER_TYPE)
    assert _relay_all(db, settings) == 1
    assert _metric("guichet_bus_unroutable_total", "bustest", OTHER_TYPE) == before + 1
    parked = UnroutableQueue(settings).list()
    assert [letter.event_id for letter in parked] == [event.id]


def test_parked_unroutable_events_are_replayed_once_a_consumer_listens(db, settings):
    event = emit(db, "early")  # published before any worker declared its queue
    assert _relay_all(db, settings) == 1
    consumer = Consumer(service="fx", db=db, handlers={EVENT_TYPE: record_effect}, settings=settings)
    consumer.declare()
    cli = ["--unroutable", "--url", settings.url, "--exchange", settings.exchange]
    try:
        assert deadletters_cli(cli + ["replay", "--all"]) == 0
        assert consumer.drain(timeout=0.5) == 1
    finally:
        consumer.close()
    assert effect_count(db, "early") == 1 and effects_ids(db) == [event.id]
    assert take_all(settings, unroutable_queue_name(settings.exchange)) == []
