"""The bus tables' retention: old published outbox rows and old inbox rows go, everything else stays."""
from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select, update

from chassis.bus.relay import OutboxRelay
from chassis.bus.retention import purge_inbox, purge_outbox
from chassis.bus.tables import InboxMessage, OutboxMessage
from tests.chassis.bus.support import emit, running_in_thread

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

NOW = datetime.now(UTC)


def _outbox_row(db, key: str, published_days_ago: float | None) -> str:
    envelope = emit(db, key)
    published_at = None if published_days_ago is None else NOW - timedelta(days=published_days_ago)
    with db.transaction() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.event_id == envelope.id)
                        .values(published_at=published_at, created_at=NOW - timedelta(days=40)))
    return envelope.id


def _inbox_rows(db, days_ago: list[float]) -> None:
    with db.transaction() as session:
        session.execute(insert(InboxMessage), [
            {"consumer": "fx", "event_id": f"evt-{index}-{age}", "event_type": "bustest.happened",
             "handled_at": NOW - timedelta(days=age)} for index, age in enumerate(days_ago)])


def _left(db, model, column) -> list:
    with db.reading() as session:
        return sorted(session.scalars(select(column)).all())


def test_only_outbox_rows_published_before_the_cutoff_are_deleted(db):
    old = [_outbox_row(db, f"old{index}", published_days_ago=8 + index) for index in range(5)]
    recent = _outbox_row(db, "recent", published_days_ago=1)
    unpublished = _outbox_row(db, "stuck", published_days_ago=None)  # created 40 days ago, never published
    assert purge_outbox(db, keep_days=7, now=NOW, batch=2) == len(old)  # in batches of 2: 2, 2, 1
    assert _left(db, OutboxMessage, OutboxMessage.event_id) == sorted([recent, unpublished])
    assert purge_outbox(db, keep_days=0, now=NOW + timedelta(days=100)) == 0  # 0 keeps them for ever


def test_only_inbox_rows_handled_before_the_cutoff_are_deleted(db):
    _inbox_rows(db, [45, 40, 35, 31, 2, 1])
    assert purge_inbox(db, keep_days=30, now=NOW, batch=3) == 4
    ages = [(NOW - handled).days for handled in _left(db, InboxMessage, InboxMessage.handled_at)]
    assert sorted(ages) == [1, 2]


def test_the_relay_sweeps_at_its_start_and_still_publishes(db, settings):
    gone = _outbox_row(db, "published-long-ago", published_days_ago=30)
    _inbox_rows(db, [60])
    relay = OutboxRelay(db, replace(settings, relay_idle_sleep=0.05), producer="bustest")
    with running_in_thread(relay):
        deadline = time.monotonic() + 10
        while gone in _left(db, OutboxMessage, OutboxMessage.event_id) and time.monotonic() < deadline:
            time.sleep(0.05)
        fresh = emit(db, "fresh").id
        while time.monotonic() < deadline:
            with db.reading() as session:
                if session.scalar(select(OutboxMessage.published_at).where(OutboxMessage.event_id == fresh)):
                    break
            time.sleep(0.05)
    assert _left(db, OutboxMessage, OutboxMessage.event_id) == [fresh]  # published, kept (7 days)
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(InboxMessage)) == 0
