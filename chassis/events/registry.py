"""Event type -> marshmallow schema of its payload, validated on publish and on consume.

The catalogue modules (``chassis/events/catalogue/<producer>.py``) register their schemas with
``@event_schema("type", version)``; docs/events.md documents each one.
"""
from __future__ import annotations

from marshmallow import Schema, ValidationError

_SCHEMAS: dict[tuple[str, int], type[Schema]] = {}
_INSTANCES: dict[tuple[str, int], Schema] = {}  # schemas are stateless: one instance a type, reused


class UnknownEventType(ValidationError):
    pass


def event_schema(event_type: str, version: int = 1):
    def decorate(schema_cls: type[Schema]) -> type[Schema]:
        key = (event_type, version)
        if key in _SCHEMAS:
            raise RuntimeError(f"event schema registered twice: {key}")
        _SCHEMAS[key] = schema_cls
        return schema_cls

    return decorate


def schema_for(event_type: str, version: int = 1) -> Schema:
    _load_catalogue()
    key = (event_type, version)
    schema = _INSTANCES.get(key)
    if schema is None:
        try:
            schema = _INSTANCES[key] = _SCHEMAS[key]()
        except KeyError:
            raise UnknownEventType({"type": [f"unknown event type {event_type} v{version}"]}) from None
    return schema


def validate_payload(event_type: str, version: int, payload: dict) -> dict:
    """Returns the payload as JSON-ready primitives; raises ValidationError when it does not fit."""
    schema = schema_for(event_type, version)
    loaded = schema.load(payload)
    return schema.dump(loaded)


def registered_types() -> list[tuple[str, int]]:
    _load_catalogue()
    return sorted(_SCHEMAS)


def catalogue_types() -> list[tuple[str, int]]:
    """The platform's own event types (tests may register others in the same registry)."""
    return [(t, v) for t, v in registered_types()
            if _SCHEMAS[(t, v)].__module__.startswith("chassis.events.catalogue.")]


def _load_catalogue() -> None:
    import chassis.events.catalogue  # noqa: F401  (registers every schema on import)
