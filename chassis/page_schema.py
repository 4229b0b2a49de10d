"""The response schema of one page of a list endpoint, ``{"items": [...], "total": n}`` (``chassis.paging``)."""
from __future__ import annotations

from marshmallow import Schema, fields


def page_of(item: type[Schema], name: str, base: type[Schema] = Schema) -> type[Schema]:
    """A schema class named ``name`` (its name in ``/openapi.json``) listing ``item``s with their total."""
    return type(name, (base,), {"__module__": item.__module__, "__doc__": f"One page of {item.__name__}.",
                                "items": fields.List(fields.Nested(item)), "total": fields.Integer()})
