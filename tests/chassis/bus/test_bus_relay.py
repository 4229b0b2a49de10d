"""The outbox relay against real PostgreSQL and RabbitMQ."""
from __future__ import annotations

import threading

import pytest
from kombu.exceptions import OperationalError
from sqlalchemy import func, select

from chassis.bus.consumer import Consumer
from chassis.bus.outbox import record_event
from chassis.bus.relay import OutboxRelay
from chassis.bus.tables import OutboxMessage
from tests.chassis.bus.support import (
    EVENT_TYPE,
    bind_probe,
    effect_count,
    effects,
    emit,
    record_effect,
    running_in_thread,
    take_all,
)

pytestmark = [pytest.mark.integration, pytest.mark.timeout(90)]


def _outbox(db):
    with db.reading() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_relay_publishes_in_order_with_confirms_and_purges_sensitive_rows(db, settings):
    probe = bind_probe(settings)
    sent = [emit(db, f"k{i}") for i in range(3)] + [emit(db, "secret", sensitive=True)]
    relay = OutboxRelay(db, settings, producer="bustest")
    try:
        assert relay.run_once() == 4
        assert relay.run_once() == 0
    finally:
        relay.close_publisher()

    received = take_all(settings, probe)
    assert [envelope["id"] for _, envelope in received] == [event.id for event in sent]
    headers, envelope = received[0]
    assert headers["event_id"] == envelope["id"] and headers["event_type"] == EVENT_TYPE
    assert headers["correlation_id"] == sent[0].correlation_id
    rows = _outbox(db)
    assert [row.event_id for row in rows] == [event.id for event in sent[:3]]  # the sensitive row is gone
    assert all(row.published_at is not None for row in rows)


class RelayKilledAfterPublish(OutboxRelay):
    def after_publish(self, rows) -> None:
        raise SystemExit("relay killed between publish and mark")


def test_relay_killed_after_publish_republishes_and_the_consumer_applies_once(db, settings):
    consumer = Consumer(service="fx", db=db, handlers={EVENT_TYPE: record_effect}, settings=settings)
    consumer.declare()
    event = emit(db, "once")
    crashing = RelayKilledAfterPublish(db, settings, producer="bustest")
    with pytest.raises(SystemExit):
        crashing.run_once()
    crashing.close_publisher()
    assert _outbox(db)[0].published_at is None  # the mark was rolled back with the crash

    relay = OutboxRelay(db, settings, producer="bustest")
    try:
        assert relay.run_once() == 1
        assert consumer.drain(timeout=0.5) == 2  # delivered twice ...
    finally:
        relay.close_publisher()
        consumer.close()
    assert effect_count(db, "once") == 1  # ... applied once
    assert effects(db)[0].event_id == event.id


def test_events_committed_while_the_relay_is_down_go_out_in_order_when_it_returns(db, settings):
    consumer = Consumer(service="fx", db=db, handlers={EVENT_TYPE: record_effect}, settings=settings)
    consumer.declare()
    keys = [f"late{i}" for i in range(20)]
    for key in keys:
        emit(db, key)
    try:
        assert consumer.drain(timeout=0.3) == 0  # nothing went out: no relay

        relay = OutboxRelay(db, settings, producer="bustest", batch_size=7)
        with running_in_thread(relay, join_timeout=10) as thread:
            assert consumer.drain(timeout=1.0) == 20
        assert not thread.is_alive()
    finally:
        consumer.close()
    assert [effect.key for effect in effects(db)] == keys


def test_two_concurrent_relays_publish_each_event_exactly_once_and_in_order(db, settings):
    probe = bind_probe(settings)
    with db.transaction() as session:
        sent = [record_event(session, "bustest", EVENT_TYPE, {"key": f"c{i}"}).id for i in range(500)]
    counts = []

    def drain_outbox():
        relay = OutboxRelay(db, settings, producer="bustest", batch_size=25)
        total = 0
        try:
            for _ in range(200):
                total += relay.run_once()
                with db.reading() as session:
                    if not session.scalar(select(func.count()).where(OutboxMessage.published_at.is_(None))):
                        break
        finally:
            relay.close_publisher()
        counts.append(total)

    threads = [threading.Thread(target=drain_outbox) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    received = [envelope["id"] for _, envelope in take_all(settings, probe)]
    assert sum(counts) == 500
    assert len(received) == 500 and received == sent


def test_a_relay_that_cannot_reach_the_broker_notes_the_failure_and_loses_nothing(db, settings):
    from dataclasses import replace
    event = emit(db, "patient")
    broken = OutboxRelay(db, replace(settings, url="amqp://guest:guest@127.0.0.1:1//"), producer="bustest")
    with pytest.raises((OSError, OperationalError)):  # kombu reports a refused connection either way
        broken.run_once()
    row = _outbox(db)[0]
    assert row.published_at is None and row.attempts == 1 and row.last_error

    probe = bind_probe(settings)
    relay = OutboxRelay(db, settings, producer="bustest")
    try:
        assert relay.run_once() == 1
    finally:
        relay.close_publisher()
    assert [envelope["id"] for _, envelope in take_all(settings, probe)] == [event.id]
