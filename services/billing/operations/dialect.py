"""``INSERT ... ON CONFLICT DO NOTHING`` on PostgreSQL and SQLite alike."""
from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignoring_conflict(session: Session, table, values: dict) -> bool:
    """Inserts the row unless its key exists; True when this call wrote it.

    (``RETURNING`` rather than ``rowcount``, which psycopg reports as -1 for this statement.)
    """
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    first_key = list(table.primary_key.columns)[0]
    statement = module.insert(table).values(**values).on_conflict_do_nothing().returning(first_key)
    return session.execute(statement).first() is not None
