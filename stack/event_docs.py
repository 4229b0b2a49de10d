"""Writes docs/events.md from the catalogue: ``python -m stack.event_docs > docs/events.md``.

The schemas are the source of truth; a test fails when docs/events.md is out of date.
"Consumed by" is read from each service's handler table (``services/<svc>/consumers``): this lives in
``stack``, the layer that knows every service, so that chassis never imports one.
"""
from __future__ import annotations

import inspect

from marshmallow import fields

from chassis.events.registry import catalogue_types, schema_for
from stack.services import API_SERVICES, handlers

HEADER = """# Event catalogue

Generated from `chassis/events/catalogue/` by `python -m stack.event_docs > docs/events.md`;
do not edit by hand (a test compares this file with the catalogue).

Every event travels in one envelope, published to the topic exchange `guichet.events` with the
event type as routing key, as a persistent JSON message:

| field | meaning |
|---|---|
| `id` | UUID of the event; consumers dedupe on it (inbox) |
| `type` | `<producer>.<event>`, also the routing key |
| `version` | payload schema version; a breaking change is a new version, published beside the old one |
| `occurred_at` | ISO 8601 UTC time the state change committed |
| `correlation_id` | the `X-Request-ID` of the HTTP request that caused it, carried on by every event it causes |
| `producer` | the service that recorded it |
| `payload` | the fields below, validated on publish and on consume |
| `trace` | optional: `{traceparent, tracestate}`, W3C trace context (docs/observability.md, Traces) |

`trace` (added with traces) holds the context of the span that recorded the event in the outbox, then of the
relay's span that published it. Events without it (older ones, or from a process with tracing off) are valid
and handled under a new root span; unknown keys inside it are ignored. A consumer from before the field
refuses an envelope that has it: turn tracing on once every consumer knows it (docs/configuration.md).

Money is a string with two decimals (`"2.00"`), never a number. Events marked *sensitive* carry a
temporary credential: their outbox row is deleted as soon as the relay has published them.
"""


def _field_type(field: fields.Field) -> str:
    if isinstance(field, fields.Nested):
        return f"object ({type(field.schema).__name__.removesuffix('Schema')})"
    if isinstance(field, fields.List):
        return f"list of {_field_type(field.inner)}"
    return type(field).__name__.lower()


def _consumers() -> dict[str, list[str]]:
    consumed: dict[str, list[str]] = {}
    for service in API_SERVICES:
        try:
            table = handlers(service)
        except ImportError:  # a service that consumes nothing has no consumers package
            continue
        for event_type in table:
            consumed.setdefault(event_type, []).append(service)
    return consumed


def _nested_rows(schema, prefix: str) -> list[str]:
    rows = []
    for name, field in schema.fields.items():
        required = "yes" if field.required else "no"
        description = (field.metadata or {}).get("description", "")
        rows.append(f"| `{prefix}{name}` | {_field_type(field)} | {required} | {description} |")
        if isinstance(field, fields.Nested):
            rows.extend(_nested_rows(field.schema, f"{prefix}{name}."))
    return rows


def render() -> str:
    consumed = _consumers()
    out = [HEADER]
    producer = None
    for event_type, version in catalogue_types():
        this_producer = event_type.split(".")[0]
        if this_producer != producer:
            producer = this_producer
            out.append(f"\n## Produced by `{producer}`\n")
        schema = schema_for(event_type, version)
        doc = inspect.getdoc(type(schema)) or ""
        if doc.startswith("Schema") or doc.startswith("Base schema"):
            doc = ""
        out.append(f"### `{event_type}` v{version}\n")
        if doc:
            out.append(doc + "\n")
        readers = ", ".join(f"`{s}`" for s in consumed.get(event_type, [])) or "webhook subscribers only"
        out.append(f"Consumed by: {readers}.\n")
        out.append("| field | type | required | description |\n|---|---|---|---|")
        out.extend(_nested_rows(schema, ""))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def main() -> None:
    print(render(), end="")


if __name__ == "__main__":
    main()

