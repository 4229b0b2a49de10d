"""``emitter(producer)``: the ``emit`` of a service's events.py, an outbox row in the caller's transaction."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from chassis.bus.outbox import emitter
from chassis.bus.tables import OutboxMessage
from tests.chassis.bus.support import EVENT_TYPE

emit = emitter("bustest")


def test_emit_stages_the_event_as_its_producer(db):
    with db.transaction() as session:
        envelope = emit(session, EVENT_TYPE, {"key": "k1"})
        secret = emit(session, EVENT_TYPE, {"key": "k2"}, sensitive=True)
    assert (envelope.producer, envelope.type, envelope.payload) == ("bustest", EVENT_TYPE, {"key": "k1"})
    with db.reading() as session:
        rows = session.execute(select(OutboxMessage.event_id, OutboxMessage.sensitive).order_by(OutboxMessage.id)).all()
    assert [tuple(row) for row in rows] == [(envelope.id, False), (secret.id, True)]


def test_emit_rolls_back_with_the_change(db):
    with pytest.raises(RuntimeError):
        with db.transaction() as session:
            emit(session, EVENT_TYPE, {"key": "k3"})
            raise RuntimeError("the change failed")
    with db.reading() as session:
        assert session.scalars(select(OutboxMessage)).all() == []


def test_emit_validates_against_the_catalogue(db):
    with db.transaction() as session, pytest.raises(Exception, match="key"):
        emit(session, EVENT_TYPE, {})
