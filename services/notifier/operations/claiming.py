"""Taking due rows for one delivery pass, safely with several workers.

One statement: the due rows are selected with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL) and their
``next_attempt_at`` pushed a lease into the future in the same ``UPDATE``; the send happens outside any
transaction. A worker that dies mid-send leaves the row to be taken again once the lease
(``NOTIFIER_LEASE_SECONDS``, default 300: longer than any send, SMTP timeouts included) is over.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from chassis.db import Database

DEFAULT_LEASE = timedelta(minutes=5)


def claim_due(db: Database, model, now: datetime, limit: int, extra_filter=None,
              lease: timedelta = DEFAULT_LEASE) -> list[str]:
    """The ids of at most ``limit`` due rows, now leased to this worker, oldest due first."""
    due = (select(model.id, model.next_attempt_at).where(model.status == "pending", model.next_attempt_at <= now)
           .order_by(model.next_attempt_at).limit(limit).with_for_update(skip_locked=True))
    if extra_filter is not None:
        due = due.where(extra_filter)
    due = due.cte("due")
    statement = (update(model).where(model.id == due.c.id).values(next_attempt_at=now + lease)
                 .returning(model.id, due.c.next_attempt_at))
    with db.transaction() as session:
        rows = session.execute(statement, execution_options={"synchronize_session": False}).all()
    return [row[0] for row in sorted(rows, key=lambda row: row[1])]
