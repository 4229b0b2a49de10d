"""One page of a list endpoint: the rows asked for and the total without paging (``{"items", "total"}``)."""
from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session


def paged(session: Session, statement: Select, limit: int, offset: int) -> tuple[list, int]:
    """``statement``'s rows from ``offset`` (at most ``limit``), in its order, and how many rows it has in all."""
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    items = session.scalars(statement.limit(limit).offset(offset)).unique().all()
    return list(items), int(total or 0)
