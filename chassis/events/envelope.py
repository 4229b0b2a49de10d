"""The one envelope every event travels in.

``trace`` is optional (added with traces, issue 21): the W3C trace context of the span that recorded or
published the event (``chassis.tracing``). Events without it, older ones or from a process with tracing off,
are as valid as before; unknown keys inside it are ignored, so that a later addition there does not make an
event unreadable to an older consumer.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate


class TraceSchema(Schema):
    """Only sizes are checked here, not the W3C syntax: the consumer's propagator ignores a malformed
    ``traceparent`` (the event is then handled under a new root span) rather than dead-letter a business
    event over a diagnostic field."""

    class Meta:
        unknown = EXCLUDE

    traceparent = fields.String(required=True, validate=validate.Length(max=128),
                                metadata={"description": "W3C `traceparent` of the span that recorded or "
                                                         "published the event"})
    tracestate = fields.String(validate=validate.Length(max=512),
                               metadata={"description": "W3C `tracestate` (vendor data), when there is one"})


class EnvelopeSchema(Schema):
    id = fields.UUID(required=True)
    type = fields.String(required=True, validate=validate.Regexp(r"^[a-z_]+\.[a-z_]+$"))
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    occurred_at = fields.AwareDateTime(required=True)
    correlation_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    producer = fields.String(required=True, validate=validate.Length(min=1, max=32))
    payload = fields.Dict(required=True)
    trace = fields.Nested(TraceSchema)


_ENVELOPE_SCHEMA = EnvelopeSchema()


@dataclass(frozen=True)
class Envelope:
    type: str
    payload: dict
    producer: str
    correlation_id: str
    version: int = 1
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    trace: dict | None = None  # {"traceparent", "tracestate"?}; absent from the dict when None

    def to_dict(self) -> dict:
        data = {
            "id": self.id, "type": self.type, "version": self.version, "occurred_at": self.occurred_at,
            "correlation_id": self.correlation_id, "producer": self.producer, "payload": self.payload,
        }
        if self.trace:
            data["trace"] = self.trace
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Envelope:
        """Validates the envelope shape (not the payload: see ``chassis.events.registry``)."""
        errors = _ENVELOPE_SCHEMA.validate(data)
        if errors:
            raise ValidationError(errors)
        return cls(id=str(data["id"]), type=data["type"], version=int(data["version"]),
                   occurred_at=data["occurred_at"], correlation_id=data["correlation_id"],
                   producer=data["producer"], payload=data["payload"], trace=data.get("trace") or None)
