"""The in-process bus of the embedded stack: SQLite databases, kombu memory://, threads."""
from __future__ import annotations

import time

import pytest

from chassis.bus.embedded import EmbeddedBus
from chassis.bus.settings import BusSettings
from chassis.bus.tables import ChassisBase
from chassis.db import Database
from tests.chassis.bus.support import EVENT_TYPE, EffectsBase, effect_count, emit, record_effect
from tests.infra import unique_exchange

pytestmark = pytest.mark.timeout(60)


def _sqlite(tmp_path, name: str) -> Database:
    db = Database(f"sqlite:///{tmp_path / name}.db")
    ChassisBase.metadata.create_all(db.engine)
    EffectsBase.metadata.create_all(db.engine)
    return db


def _wait_until(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture
def bus():
    settings = BusSettings(retry_delays=(0.1, 0.2), relay_idle_sleep=0.05)
    embedded = EmbeddedBus(exchange=unique_exchange("embedded"), settings=settings)
    yield embedded
    embedded.stop()


def test_an_event_goes_from_one_services_outbox_to_anothers_handler_once(tmp_path, bus):
    producer_db, consumer_db = _sqlite(tmp_path, "producer"), _sqlite(tmp_path, "consumer")
    bus.add_service("producer", producer_db)
    bus.add_service("fx", consumer_db, {EVENT_TYPE: record_effect})
    emit(producer_db, "before-start", producer="producer")  # committed before the bus runs: not lost
    bus.start()
    emit(producer_db, "after-start", producer="producer")

    assert _wait_until(lambda: effect_count(consumer_db) == 2)
    time.sleep(0.3)  # nothing more arrives
    assert effect_count(consumer_db, "before-start") == 1 and effect_count(consumer_db, "after-start") == 1
    assert effect_count(producer_db) == 0


def test_the_embedded_bus_retries_then_dead_letters_then_replays(tmp_path, bus):
    producer_db, consumer_db = _sqlite(tmp_path, "producer"), _sqlite(tmp_path, "consumer")
    calls, fixed = [], {"yes": False}

    def flaky(session, envelope):
        calls.append(envelope.id)
        if not fixed["yes"]:
            raise RuntimeError("en panne / down")
        record_effect(session, envelope)

    bus.add_service("producer", producer_db)
    bus.add_service("fx", consumer_db, {EVENT_TYPE: flaky})
    bus.start()
    event = emit(producer_db, "flaky", producer="producer")
    dead = bus.dead_letters("fx")
    assert _wait_until(lambda: len(dead.list()) == 1)
    assert calls == [event.id] * 3
    fixed["yes"] = True
    assert dead.replay(event.id) == 1
    assert _wait_until(lambda: effect_count(consumer_db, "flaky") == 1)
    assert dead.list() == []


def test_the_embedded_relay_is_woken_by_the_commit_not_by_its_idle_poll(tmp_path):
    # The relays' clock stands still, so their idle wait never ends by itself: only a commit's wake-up
    # can get the event published (the bound below only keeps a broken wake-up from hanging the test).
    slow_poll = BusSettings(retry_delays=(0.1,), relay_idle_sleep=30.0)
    embedded = EmbeddedBus(exchange=unique_exchange("embedded"), settings=slow_poll, clock=lambda: 0.0)
    producer_db, consumer_db = _sqlite(tmp_path, "producer"), _sqlite(tmp_path, "consumer")
    embedded.add_service("producer", producer_db)
    embedded.add_service("fx", consumer_db, {EVENT_TYPE: record_effect})
    embedded.start()
    try:
        time.sleep(0.3)  # the relay looked once and now waits for a wake-up
        emit(producer_db, "woken", producer="producer")
        assert _wait_until(lambda: effect_count(consumer_db, "woken") == 1, seconds=60.0)
    finally:
        embedded.stop()
