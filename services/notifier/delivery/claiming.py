"""Taking due rows for one delivery pass, safely with several workers.

Rows are selected with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL) and their ``next_attempt_at`` pushed a
lease into the future before the transaction commits; the send happens outside any transaction. A worker
that dies mid-send leaves the row to be taken again once the lease (``NOTIFIER_LEASE_SECONDS``,
default 300: longer than any send, SMTP timeouts included) is over.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from chassis.db import Database

DEFAULT_LEASE = timedelta(minutes=5)


def claim_due(db: Database, model, now: datetime, limit: int, extra_filter=None,
              lease: timedelta = DEFAULT_LEASE) -> list[str]:
    with db.transaction() as session:
        query = (select(model).where(model.status == "pending", model.next_attempt_at <= now)
                 .order_by(model.next_attempt_at).limit(limit).with_for_update(skip_locked=True))
        if extra_filter is not None:
            query = query.where(extra_filter)
        rows = session.scalars(query).all()
        for row in rows:
            row.next_attempt_at = now + lease
        return [row.id for row in rows]
