"""Reading a consumed message's envelope without running the marshmallow schema on every event.

``read_envelope(data)`` gives the same ``Envelope`` as ``Envelope.from_dict(data)`` and refuses the same
input: a plain check accepts the shape every producer writes (``Envelope.to_dict``: strings, an int version,
an aware ISO time, a dict payload, an optional trace of strings), each rule the one of ``EnvelopeSchema``;
anything else (a missing or unknown key, another type, a value out of bounds) is left to ``from_dict``, which
accepts what the schema accepts and raises its ``ValidationError`` otherwise. So the check may only say yes
where the schema says yes; ``tests/chassis/test_envelope_reading.py`` holds it to that. The schema cost about
a quarter of a consumer's CPU per event (``bench/pipeline_cpu.py``).
"""
from __future__ import annotations

import uuid
from datetime import datetime

from chassis.events.envelope import Envelope, EnvelopeSchema

_FIELDS = EnvelopeSchema._declared_fields
_TYPE_PATTERN = _FIELDS["type"].validators[0].regex  # the schema's own compiled pattern
_REQUIRED = frozenset(("id", "type", "version", "occurred_at", "correlation_id", "producer", "payload"))
_KEYS = _REQUIRED | {"trace"}
_TRACE_LIMITS = {"traceparent": 128, "tracestate": 512}


def read_envelope(data: dict) -> Envelope:
    """The envelope of a decoded message body; raises ``marshmallow.ValidationError`` when it does not fit."""
    if not _plainly_valid(data):
        return Envelope.from_dict(data)
    return Envelope(id=data["id"], type=data["type"], version=data["version"], occurred_at=data["occurred_at"],
                    correlation_id=data["correlation_id"], producer=data["producer"], payload=data["payload"],
                    trace=data.get("trace") or None)  # as from_dict: the trace as received


def _plainly_valid(data: dict) -> bool:
    keys = data.keys()
    if not (_REQUIRED <= keys <= _KEYS):
        return False
    event_id, event_type, version = data["id"], data["type"], data["version"]
    correlation_id, producer = data["correlation_id"], data["producer"]
    if not (type(event_id) is str and type(event_type) is str and type(correlation_id) is str
            and type(producer) is str and type(version) is int and type(data["payload"]) is dict):
        return False
    if version < 1 or not 1 <= len(correlation_id) <= 64 or not 1 <= len(producer) <= 32:
        return False
    if _TYPE_PATTERN.match(event_type) is None or not _is_uuid(event_id) or not _is_aware(data["occurred_at"]):
        return False
    return "trace" not in data or _plain_trace(data["trace"])


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _is_aware(value) -> bool:
    if type(value) is not str:
        return False
    try:
        moment = datetime.fromisoformat(value)  # what marshmallow's AwareDateTime parses with
    except ValueError:
        return False
    return moment.tzinfo is not None and moment.utcoffset() is not None


def _plain_trace(trace) -> bool:
    if type(trace) is not dict or type(trace.get("traceparent")) is not str:
        return False
    return all(type(trace[key]) is str and len(trace[key]) <= limit
               for key, limit in _TRACE_LIMITS.items() if key in trace)
