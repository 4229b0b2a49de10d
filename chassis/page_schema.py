"""One page of a list endpoint, ``{"items": [...], "total": n}``: the query string that asks for it (``page_query``),
its response schema (``page_of``) and its body (``page``, on ``chassis.paging.paged``)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import Schema, fields, validate
from sqlalchemy import Select
from sqlalchemy.orm import Session

from chassis.paging import paged


def page_query(name: str, default: int = 50, most: int = 200, last_offset: int | None = 1_000_000) -> type[Schema]:
    """A query-string schema class named ``name``: ``limit`` (``default`` when absent, 1 to ``most``) and ``offset``
    (from 0, to ``last_offset`` unless it is None); a list's filters subclass it."""
    return type(name, (Schema,), {
        "limit": fields.Integer(load_default=default, validate=validate.Range(min=1, max=most)),
        "offset": fields.Integer(load_default=0, validate=validate.Range(min=0, max=last_offset))})


def page_of(item: type[Schema], name: str, base: type[Schema] = Schema) -> type[Schema]:
    """A schema class named ``name`` (its name in ``/openapi.json``) listing ``item``s with their total."""
    return type(name, (base,), {"__module__": item.__module__, "__doc__": f"One page of {item.__name__}.",
                                "items": fields.List(fields.Nested(item)), "total": fields.Integer()})


def page(session: Session, statement: Select, limit: int, offset: int,
         present: Callable[[Any], Any] | None = None) -> dict:
    """The body of a list endpoint: ``statement``'s rows from ``offset`` (at most ``limit``), each through
    ``present`` when given (else as they are, for the response schema to serialize), and the total without paging."""
    rows, total = paged(session, statement, limit, offset)
    return {"items": [present(row) for row in rows] if present else rows, "total": total}
