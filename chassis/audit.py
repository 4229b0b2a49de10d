"""The audit trail (X4): one row per action, written in the action's own transaction.

Every service keeps its own ``audit_entries`` table (their subject columns differ: a card request, a sheet,
an invoice); one ``AuditTrail`` bound to that table writes its rows::

    trail = AuditTrail(AuditEntry, time_column="occurred_at")
    trail.record(session, principal.user_id, "invoice_voided", invoice_id=invoice.id, reason="duplicate")

Keyword arguments that name a column of the table fill that column (``invoice_id``); the others, merged
over an explicit ``details=`` dict, go to the ``details`` JSON column (``reason``).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

# Columns ``record`` fills itself: a keyword argument never lands in them.
_OWN_COLUMNS = ("actor_id", "action", "details")


class AuditTrail:
    """Writes rows of one audit table (a ``Table`` or a mapped class with ``actor_id``, ``action``, ``details``)."""

    def __init__(self, table, *, time_column: str = "at", actions: Iterable[str] | None = None):
        self.table: Table = getattr(table, "__table__", table)
        missing = [name for name in (*_OWN_COLUMNS, time_column) if name not in self.table.c]
        if missing:
            raise ValueError(f"{self.table.name} has no column {', '.join(missing)}")
        self.time_column = time_column
        self.actions = None if actions is None else frozenset(actions)
        primary = {column.name for column in self.table.primary_key}
        self.subject_columns = frozenset(self.table.c.keys()) - primary - {*_OWN_COLUMNS, time_column}
        # A Core insert in the caller's transaction, not an ORM object for its flush: nothing reads the row
        # back in the same request, and a quarter of a cards submit's CPU was the flush of this row.
        self._insert = insert(self.table)

    def record(self, session: Session, actor: str, action: str, **subject) -> None:
        if self.actions is not None and action not in self.actions:
            raise ValueError(f"unknown audit action {action}")
        details = dict(subject.pop("details", None) or {})
        row = {self.time_column: datetime.now(UTC), "actor_id": actor, "action": action}
        for name, value in subject.items():
            if name in self.subject_columns:
                row[name] = value
            else:
                details[name] = value
        row["details"] = details
        session.connection().execute(self._insert, row)
