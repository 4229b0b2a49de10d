"""The consumer's batches: one transaction for many deliveries, a SAVEPOINT each, acks after the commit."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
from sqlalchemy import func, select, text

from chassis.bus.consumer import Consumer
from chassis.bus.deadletters import DeadLetterQueue
from chassis.bus.handlers import own_transaction
from chassis.bus.inbox import claim_many
from chassis.bus.relay import OutboxRelay
from chassis.bus.tables import InboxMessage
from chassis.events.envelope import Envelope
from tests.chassis.bus.support import EVENT_TYPE, effect_count, emit, record_effect
from tests.infra import sent_statements

pytestmark = [pytest.mark.integration, pytest.mark.timeout(90)]


class RecordingConsumer(Consumer):
    """Notes, in order, each commit (the keys it applied) and each ack (the keys it settled)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timeline: list[tuple[str, list[str]]] = []

    def after_commit(self, applied):
        self.timeline.append(("commit", sorted(envelope.payload["key"] for envelope in applied)))

    def _ack(self, deliveries):
        super()._ack(deliveries)
        self.timeline.append(("ack", sorted(d.envelope.payload["key"] for d in deliveries if d.envelope)))


def _send(db, settings, keys: list[str]) -> None:
    for key in keys:
        emit(db, key)
    relay = OutboxRelay(db, settings, producer="bustest")
    try:
        assert relay.run_once() == len(keys)
    finally:
        relay.close_publisher()


def _consumer(db, settings, handler, batch_size: int) -> RecordingConsumer:
    # a long batch wait: the deliveries already sent always make one batch, whatever the machine's load
    consumer = RecordingConsumer(service="fx", db=db, handlers={EVENT_TYPE: handler},
                                 settings=replace(settings, consumer_batch_wait=0.3), batch_size=batch_size)
    consumer.declare()
    return consumer


def _inbox_rows(db) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(InboxMessage).where(InboxMessage.consumer == "fx"))


def test_a_failing_handler_in_a_batch_rolls_back_and_retries_only_itself(db, settings):
    calls: Counter[str] = Counter()

    def handler(session, envelope):
        key = envelope.payload["key"]
        calls[key] += 1
        record_effect(session, envelope)
        session.flush()  # written, then undone with its savepoint
        if key == "bad":
            raise RuntimeError("en panne / down")

    keys = ["a", "b", "bad", "c", "d"]
    consumer = _consumer(db, settings, handler, batch_size=len(keys))
    _send(db, settings, keys)
    try:
        consumer.drain(timeout=1.0)  # longer than both retry delays (0.2 s, 0.4 s)
    finally:
        consumer.close()

    assert [effect_count(db, key) for key in keys] == [1, 1, 0, 1, 1]
    # fast pass (rolled back when "bad" raised: c, d not run), then the savepoint pass, then bad's two retries
    assert calls == {"a": 2, "b": 2, "bad": 4, "c": 1, "d": 1}
    assert consumer.timeline[:2] == [("commit", ["a", "b", "c", "d"]), ("ack", keys)]  # one transaction
    [letter] = DeadLetterQueue(settings, "fx").list()
    assert letter.attempts == 3 and "down" in letter.last_error
    assert _inbox_rows(db) == 4


@pytest.fixture
def poison_refused_at_commit(db):
    """A deferred constraint trigger: a 'poison' effect makes the commit itself fail."""
    with db.transaction() as session:
        session.execute(text("""
            CREATE OR REPLACE FUNCTION bus_test_refuse_poison() RETURNS trigger AS $$
            BEGIN
                IF NEW.key = 'poison' THEN RAISE EXCEPTION 'poison refused at commit'; END IF;
                RETURN NULL;
            END $$ LANGUAGE plpgsql"""))
        session.execute(text("""
            CREATE CONSTRAINT TRIGGER bus_test_poison AFTER INSERT ON bus_test_effects
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bus_test_refuse_poison()"""))
    yield
    with db.transaction() as session:
        session.execute(text("DROP TRIGGER bus_test_poison ON bus_test_effects"))


def test_a_batch_whose_commit_fails_acks_nothing_then_applies_each_event_once(db, settings,
                                                                              poison_refused_at_commit):
    calls: Counter[str] = Counter()

    def handler(session, envelope):
        calls[envelope.payload["key"]] += 1
        record_effect(session, envelope)

    keys = ["a", "poison", "b"]
    consumer = _consumer(db, settings, handler, batch_size=len(keys))
    _send(db, settings, keys)
    try:
        consumer.drain(timeout=1.0)
    finally:
        consumer.close()

    # the batch's commit failed: nothing committed nor acked; then each event in its own transaction
    assert consumer.timeline[:3] == [("commit", ["a"]), ("commit", ["b"]), ("ack", sorted(keys))]
    assert [effect_count(db, key) for key in keys] == [1, 0, 1]
    assert calls == {"a": 3, "b": 3, "poison": 5}  # fast pass, savepoint pass, alone; poison's two retries
    assert _inbox_rows(db) == 2
    [letter] = DeadLetterQueue(settings, "fx").list()
    assert letter.attempts == 3 and "poison refused at commit" in letter.last_error


def test_handlers_marked_own_transaction_are_never_batched(db, settings):
    keys = ["x", "y", "z"]
    consumer = _consumer(db, settings, own_transaction(lambda s, e: record_effect(s, e)), batch_size=len(keys))
    _send(db, settings, keys)
    try:
        assert consumer.drain(timeout=0.5) == 3
    finally:
        consumer.close()
    assert consumer.timeline == [("commit", ["x"]), ("commit", ["y"]), ("commit", ["z"]), ("ack", keys)]


def test_one_event_delivered_twice_in_the_same_batch_applies_once(db, settings):
    consumer = _consumer(db, settings, record_effect, batch_size=4)
    _send(db, settings, ["one"])
    relay = OutboxRelay(db, settings, producer="bustest")
    try:
        with db.transaction() as session:  # as if the relay crashed before marking: published again
            session.execute(text("UPDATE outbox SET published_at = NULL"))
        assert relay.run_once() == 1
    finally:
        relay.close_publisher()
    _send(db, settings, ["two", "three"])
    try:
        assert consumer.drain(timeout=0.5) == 4
    finally:
        consumer.close()
    assert consumer.timeline[0] == ("commit", ["one", "three", "two"])
    assert [effect_count(db, key) for key in ("one", "two", "three")] == [1, 1, 1]


def test_a_batch_without_failures_commits_once_without_savepoints(db, settings):
    keys = [f"k{i:02d}" for i in range(30)]
    consumer = _consumer(db, settings, record_effect, batch_size=len(keys))
    _send(db, settings, keys)
    try:
        with sent_statements(db.engine) as statements:
            assert consumer.drain(timeout=0.5) == 30
    finally:
        consumer.close()
    assert consumer.timeline[:2] == [("commit", keys), ("ack", keys)]
    assert not [sql for sql in statements if "SAVEPOINT" in sql]
    assert len([sql for sql in statements if sql.startswith("INSERT INTO inbox")]) == 1


def test_claiming_a_batch_returns_only_what_this_consumer_has_not_handled(db):
    envelopes = [Envelope(type=EVENT_TYPE, payload={"key": f"claim{index}"}, producer="bustest",
                          correlation_id="claims") for index in range(3)]
    first, second, third = (envelope.id for envelope in envelopes)
    with db.transaction() as session:
        assert claim_many(session, "claims-a", envelopes[:2]) == {first, second}
    with db.transaction() as session:  # one already handled, one twice in the batch, one new
        assert claim_many(session, "claims-a", [envelopes[0], envelopes[2], envelopes[2]]) == {third}
    with db.transaction() as session:  # another consumer's inbox is its own
        assert claim_many(session, "claims-b", envelopes[:1]) == {first}
    with db.reading() as session:
        rows = session.execute(select(InboxMessage.consumer, InboxMessage.event_type)
                               .where(InboxMessage.consumer.in_(["claims-a", "claims-b"]))).all()
    assert sorted(rows) == [("claims-a", EVENT_TYPE)] * 3 + [("claims-b", EVENT_TYPE)]
