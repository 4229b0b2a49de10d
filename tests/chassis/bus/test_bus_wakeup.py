"""The relay is woken by the commit (PostgreSQL NOTIFY), not by its idle poll."""
from __future__ import annotations

import statistics
import time
from dataclasses import replace

import pytest
from kombu import Connection

from chassis.bus.outbox import record_event
from chassis.bus.relay import OutboxRelay
from chassis.bus.topology import plain_queue
from chassis.bus.wakeup import channel_name
from tests.chassis.bus.support import EVENT_TYPE, bind_probe, emit, running_in_thread
from tests.infra import sent_statements

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

IDLE_SLEEP = 30.0  # the safety-net poll: far longer than anything this test waits


def test_channel_names_are_one_per_producer():
    assert channel_name("cards") == "guichet_outbox_cards"
    assert channel_name("Bus-Test.x") == "guichet_outbox_bus_test_x"
    assert len(channel_name("p" * 100)) == 63


def _seconds_until_received(settings, queue_name: str, seconds: float = 5.0) -> float:
    started = time.monotonic()
    with Connection(settings.url, connect_timeout=5) as connection:
        queue = plain_queue(queue_name)(connection.channel())
        while time.monotonic() - started < seconds:
            if queue.get(no_ack=True) is not None:
                return time.monotonic() - started
            time.sleep(0.002)
    return float("inf")


def test_a_committed_event_wakes_the_idle_relay_at_once(db, settings):
    probe = bind_probe(settings)
    relay = OutboxRelay(db, replace(settings, relay_idle_sleep=IDLE_SLEEP), producer="bustest")
    with running_in_thread(relay) as thread:
        time.sleep(0.5)  # it looked once, found nothing, and now waits on its LISTEN connection
        delays = []
        for index in range(5):
            emit(db, f"wake{index}")
            delays.append(_seconds_until_received(settings, probe))
            time.sleep(0.05)
    assert not thread.is_alive()  # a stop request is seen within one wait slice, not after IDLE_SLEEP
    assert max(delays) < 1.0, delays  # never the idle poll (30 s)
    assert statistics.median(delays) < 0.1, delays


def test_a_rolled_back_event_does_not_wake_the_relay_and_a_later_one_does(db, settings):
    probe = bind_probe(settings)
    relay = OutboxRelay(db, replace(settings, relay_idle_sleep=IDLE_SLEEP), producer="bustest")
    runs = []
    original = relay.run_once
    relay.run_once = lambda: runs.append(time.monotonic()) or original()
    with running_in_thread(relay):
        time.sleep(0.5)
        looked = len(runs)
        with pytest.raises(RuntimeError):
            with db.transaction() as session:
                record_event(session, "bustest", EVENT_TYPE, {"key": "never"})
                raise RuntimeError("rolled back")
        time.sleep(0.3)
        assert len(runs) == looked  # nothing committed, nothing woke it
        emit(db, "later")
        assert _seconds_until_received(settings, probe) < 1.0


def test_a_transaction_asks_once_for_the_wake_up_in_its_first_insert(db):
    with sent_statements(db.engine) as sent, db.transaction() as session:
        for key in ("one", "two", "three"):
            record_event(session, "bustest", EVENT_TYPE, {"key": key})
    assert len(sent) == 3, sent  # three inserts, no statement of its own for the notification
    assert "pg_notify" in sent[0] and not any("pg_notify" in statement for statement in sent[1:])


def test_a_savepoint_rolled_back_with_its_wake_up_asks_again_in_the_outer_transaction(db, settings):
    probe = bind_probe(settings)
    relay = OutboxRelay(db, replace(settings, relay_idle_sleep=IDLE_SLEEP), producer="bustest")
    with running_in_thread(relay):
        time.sleep(0.5)
        with db.transaction() as session:
            with pytest.raises(RuntimeError):
                with session.begin_nested():
                    record_event(session, "bustest", EVENT_TYPE, {"key": "inner"})  # its NOTIFY is undone
                    raise RuntimeError("savepoint rolled back")
            record_event(session, "bustest", EVENT_TYPE, {"key": "outer"})
        assert _seconds_until_received(settings, probe) < 1.0  # woken, not the 30 s poll


def _counting_relay(db, settings, coalesce: float):
    relay = OutboxRelay(db, replace(settings, relay_idle_sleep=IDLE_SLEEP, relay_coalesce=coalesce),
                        producer="bustest")
    published = []
    original = relay.run_once

    def run_once_counted() -> int:
        count = original()
        published.append(count)
        return count

    relay.run_once = run_once_counted
    return relay, published


def _runs_for_a_stream(db, settings, coalesce: float, events: int = 60) -> int:
    """Runs that published something while one writer committed ``events`` events, one every 5 ms."""
    relay, published = _counting_relay(db, settings, coalesce)
    with running_in_thread(relay):
        time.sleep(0.5)
        for index in range(events):
            emit(db, f"stream-{coalesce}-{index}")
            time.sleep(0.005)
        deadline = time.monotonic() + 10
        while sum(published) < events and time.monotonic() < deadline:
            time.sleep(0.01)
    assert sum(published) == events
    return sum(1 for count in published if count)


def test_commits_arriving_fast_are_gathered_into_fewer_runs(db, settings):
    bind_probe(settings)
    # A commit every 5 ms for about half a second: without gathering the relay, woken by each commit, makes a
    # run for nearly every one; with 0.2 s windows, a handful of runs take them all.
    gathering = _runs_for_a_stream(db, settings, coalesce=0.2)
    eager = _runs_for_a_stream(db, settings, coalesce=0.0)
    assert gathering <= 8, (gathering, eager)
    assert eager > 2 * gathering, (gathering, eager)


def test_a_commit_after_a_quiet_spell_is_not_held_back(db, settings):
    probe = bind_probe(settings)
    relay, _published = _counting_relay(db, settings, coalesce=0.5)
    with running_in_thread(relay):
        time.sleep(1.0)  # its first look at the outbox is a quiet spell ago too
        delays = []
        for index in range(3):
            emit(db, f"quiet{index}")
            delays.append(_seconds_until_received(settings, probe))
            time.sleep(1.0)  # longer than the gathering window: each commit comes after a quiet spell
    assert max(delays) < 0.3, delays  # never held back the 0.5 s of a gathering
