"""The relay is woken by the commit (PostgreSQL NOTIFY), not by its idle poll.

The relay's clock is injected: frozen, its idle wait never ends by itself, so an event published after the
relay's first look proves that a commit woke it, however slow the machine. What a transaction notifies is read
on a LISTEN connection of the test's own, up to a sentinel notification committed last (notifications arrive
in commit order), so "nothing was notified" is observed, not waited for.
"""
from __future__ import annotations

import itertools
import time
from dataclasses import replace

import psycopg
import pytest
from kombu import Connection
from psycopg import sql

from chassis.bus.outbox import record_event
from chassis.bus.relay import OutboxRelay
from chassis.bus.topology import plain_queue
from chassis.bus.wakeup import Doorbell, channel_name, ring
from chassis.db import Database
from tests.chassis.bus.support import EVENT_TYPE, bind_probe, emit, running_in_thread
from tests.infra import sent_statements

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

IDLE_SLEEP = 0.01  # the safety-net poll: with a frozen clock it never comes, however short
BOUND = 20.0       # how long a test waits for what must happen before it fails (not a speed requirement)
SENTINEL = "end-of-test"


def frozen_clock() -> float:
    return 0.0


def test_channel_names_are_one_per_producer():
    assert channel_name("cards") == "guichet_outbox_cards"
    assert channel_name("Bus-Test.x") == "guichet_outbox_bus_test_x"
    assert len(channel_name("p" * 100)) == 63


def eventually(predicate, what: str) -> None:
    deadline = time.monotonic() + BOUND
    while not predicate():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.01)


def received(settings, queue_name: str, count: int = 1) -> list[dict]:
    """Waits (at most BOUND) until ``count`` events reached the probe queue; returns their payloads."""
    payloads = []
    with Connection(settings.url, connect_timeout=5) as connection:
        queue = plain_queue(queue_name)(connection.channel())

        def got_them() -> bool:
            message = queue.get(no_ack=True)
            if message is not None:
                payloads.append(message.payload["payload"])
            return len(payloads) >= count

        eventually(got_them, f"{count} events published")
    return payloads


def counting_relay(db, settings, clock, coalesce: float = 0.0):
    """A relay of ``bustest`` on ``clock``, with the count each run published and the gathering pauses."""
    relay = OutboxRelay(db, replace(settings, relay_idle_sleep=IDLE_SLEEP, relay_coalesce=coalesce),
                        producer="bustest", clock=clock)
    published, gathered = [], []
    run_once, gather = relay.run_once, relay.gather
    relay.run_once = lambda: published.append(run_once()) or published[-1]
    relay.gather = lambda stop_event: gathered.append(len(published)) or gather(stop_event)
    return relay, published, gathered


def test_a_committed_event_wakes_the_idle_relay(db, settings):
    probe = bind_probe(settings)
    relay, published, gathered = counting_relay(db, settings, frozen_clock)
    with running_in_thread(relay) as thread:
        eventually(lambda: published == [0], "the relay's first look")  # it now waits on its LISTEN connection
        for index in range(3):
            emit(db, f"wake{index}")
            assert received(settings, probe) == [{"key": f"wake{index}"}]
    assert not thread.is_alive()  # the stop request ended the wait: its clock never would
    assert published == [0, 1, 1, 1] and gathered == []


def notifications(db, channel: str, transactions) -> list[str]:
    """The payloads ``channel`` receives while ``transactions`` runs, then a committed sentinel."""
    conninfo = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as listener:
        listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
        transactions()
        listener.execute("SELECT pg_notify(%s, %s)", (channel, SENTINEL))
        payloads = []
        for note in listener.notifies(timeout=BOUND):
            payloads.append(note.payload)
            if note.payload == SENTINEL:
                break
    return payloads


def test_a_rolled_back_event_notifies_nobody_and_a_committed_one_does(db):
    def transactions():
        with pytest.raises(RuntimeError):
            with db.transaction() as session:
                record_event(session, "bustest", EVENT_TYPE, {"key": "never"})
                raise RuntimeError("rolled back")
        emit(db, "later")

    assert notifications(db, channel_name("bustest"), transactions) == ["", SENTINEL]


def test_a_transaction_asks_once_for_the_wake_up_in_its_first_insert(db):
    with sent_statements(db.engine) as sent, db.transaction() as session:
        for key in ("one", "two", "three"):
            record_event(session, "bustest", EVENT_TYPE, {"key": key})
    assert len(sent) == 3, sent  # three inserts, no statement of its own for the notification
    assert "pg_notify" in sent[0] and not any("pg_notify" in statement for statement in sent[1:])


def test_a_savepoint_rolled_back_with_its_wake_up_asks_again_in_the_outer_transaction(db):
    def transactions():
        with db.transaction() as session:
            with pytest.raises(RuntimeError):
                with session.begin_nested():
                    record_event(session, "bustest", EVENT_TYPE, {"key": "inner"})  # its NOTIFY is undone
                    raise RuntimeError("savepoint rolled back")
            record_event(session, "bustest", EVENT_TYPE, {"key": "outer"})

    assert notifications(db, channel_name("bustest"), transactions) == ["", SENTINEL]


def test_a_wake_up_right_after_a_run_gathers_the_commits_behind_it_into_one_run(db, settings):
    probe = bind_probe(settings)
    # Frozen clock: every wake-up comes "0 s" after the previous run, within the gathering window.
    relay, published, gathered = counting_relay(db, settings, frozen_clock, coalesce=0.2)
    gather = relay.gather

    def commits_arrive_while_gathering(stop_event):
        for index in range(4):
            emit(db, f"behind{index}")
        gather(stop_event)

    relay.gather = commits_arrive_while_gathering
    with running_in_thread(relay):
        eventually(lambda: published == [0], "the relay's first look")
        emit(db, "first")
        assert len(received(settings, probe, count=5)) == 5
    assert gathered == [1] and published == [0, 5]  # one pause, then one run for the five commits


def test_a_commit_after_a_quiet_spell_is_not_held_back(db, settings):
    probe = bind_probe(settings)
    # Every reading of this clock is a second after the previous one: each wake-up comes a quiet spell
    # (longer than the 0.5 s window) after the run before it. The idle wait is far longer than the test.
    ticks = itertools.count()
    relay, published, gathered = counting_relay(db, replace(settings), lambda: float(next(ticks)), coalesce=0.5)
    relay.settings = replace(relay.settings, relay_idle_sleep=1e9)
    with running_in_thread(relay):
        eventually(lambda: published == [0], "the relay's first look")
        for index in range(3):
            emit(db, f"quiet{index}")
            assert received(settings, probe) == [{"key": f"quiet{index}"}]
    assert gathered == [] and published == [0, 1, 1, 1]


# -- the general doorbell (the notifier's delivery loops wait on their own channels) ---------------------------
def test_ring_notifies_a_channel_once_a_transaction_and_only_if_it_commits(db):
    def transactions():
        with pytest.raises(RuntimeError):
            with db.transaction() as session:
                ring(session, "guichet_test_mail")
                raise RuntimeError("rolled back")
        with sent_statements(db.engine) as sent, db.transaction() as session:
            ring(session, "guichet_test_mail")
            ring(session, "guichet_test_mail")
        assert len(sent) == 1

    assert notifications(db, "guichet_test_mail", transactions) == ["", SENTINEL]


def test_a_doorbell_is_rung_by_a_commit_on_its_channel(db):
    bell = Doorbell(db, "guichet_test_hooks", clock=frozen_clock)
    try:
        bell.arm()
        with db.transaction() as session:
            ring(session, "guichet_test_hooks")
        assert bell.wait(IDLE_SLEEP) is True  # frozen clock: only the notification can end this wait
    finally:
        bell.close()


def test_on_sqlite_the_doorbells_of_the_process_are_rung_after_the_commit(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'bell.db'}")
    bell, other = Doorbell(db, "guichet_test_local", clock=frozen_clock), Doorbell(db, "guichet_test_else")
    bell.arm()
    with pytest.raises(RuntimeError):
        with db.transaction() as session:
            ring(session, "guichet_test_local")
            raise RuntimeError("rolled back")
    assert bell.wait(0.0) is False and not bell.rung
    with db.transaction() as session:
        ring(session, "guichet_test_local")
    assert bell.rung and not other.rung
    assert bell.wait(IDLE_SLEEP) is True
    db.dispose()
