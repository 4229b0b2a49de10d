"""Keeping a service's bus tables from growing for ever: published outbox rows and old inbox rows are deleted.

The outbox keeps a row once it is published (``published_at``) for ``BUS_OUTBOX_KEEP_DAYS`` (7) days, to
look at what went out; the inbox keeps the row of a handled event for ``BUS_INBOX_KEEP_DAYS`` (30) days:
its only use is refusing a second delivery of the same event, and redeliveries come within minutes (the
retry delays) or, after a restore, from a backup's unpublished outbox rows (docs/runbook.md: restore a
backup older than the inbox's retention and the consumers can no longer recognise its events). 0 keeps
the rows for ever.

The service's relay sweeps both tables of its database (``RetentionSweeper``), at its start and every
``BUS_RETENTION_SWEEP_SECONDS`` (3600) after, in short transactions of at most ``BATCH`` rows, so that a
sweep never holds locks long. A sweep that fails is logged and tried again at the next one.
"""
from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, delete, select

from chassis.bus.messages import error_text
from chassis.bus.settings import BusSettings
from chassis.bus.tables import InboxMessage, OutboxMessage
from chassis.db import Database

BATCH = 5000

_outbox = OutboxMessage.__table__
_inbox = InboxMessage.__table__
_PURGE_OUTBOX = delete(_outbox).where(_outbox.c.id.in_(
    select(_outbox.c.id).where(_outbox.c.published_at < bindparam("cutoff"))
    .order_by(_outbox.c.published_at).limit(bindparam("batch")).scalar_subquery()))
# The inbox has no index on ``handled_at``: its oldest rows are those of smallest id, so each batch looks at
# the BATCH oldest rows only (the primary key's order) and stops at the first batch that is not all old.
_PURGE_INBOX = delete(_inbox).where(_inbox.c.id.in_(
    select(_inbox.c.id).order_by(_inbox.c.id).limit(bindparam("batch")).scalar_subquery()),
    _inbox.c.handled_at < bindparam("cutoff"))


def _purge(db: Database, statement, keep_days: float, now: datetime | None, batch: int) -> int:
    if keep_days <= 0:
        return 0
    cutoff, deleted = (now or datetime.now(UTC)) - timedelta(days=keep_days), 0
    while True:
        with db.engine.begin() as connection:
            count = connection.execute(statement, {"cutoff": cutoff, "batch": batch}).rowcount
        deleted += count
        if count < batch:
            return deleted


def purge_outbox(db: Database, keep_days: float, now: datetime | None = None, batch: int = BATCH) -> int:
    """Deletes the outbox rows published more than ``keep_days`` ago; returns how many."""
    return _purge(db, _PURGE_OUTBOX, keep_days, now, batch)


def purge_inbox(db: Database, keep_days: float, now: datetime | None = None, batch: int = BATCH) -> int:
    """Deletes the inbox rows of events handled more than ``keep_days`` ago; returns how many."""
    return _purge(db, _PURGE_INBOX, keep_days, now, batch)


class RetentionSweeper:
    """Sweeps the outbox and the inbox of ``db`` when a sweep is due (the first call, then every period)."""

    def __init__(self, db: Database, settings: BusSettings, log):
        self.db = db
        self.settings = settings
        self.log = log
        self._due = 0.0

    def sweep_if_due(self) -> None:
        now = time.monotonic()
        if now < self._due:
            return
        self._due = now + self.settings.retention_sweep_seconds
        try:
            outbox = purge_outbox(self.db, self.settings.outbox_keep_days)
            inbox = purge_inbox(self.db, self.settings.inbox_keep_days)
        except Exception as error:  # the database may be down: the relay's own run says so; try next time
            self.log.warning("bus.retention_failed", error=error_text(error))
            return
        if outbox or inbox:
            self.log.info("bus.retention", outbox_deleted=outbox, inbox_deleted=inbox)
