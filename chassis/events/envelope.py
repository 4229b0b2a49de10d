"""The one envelope every event travels in."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from marshmallow import Schema, ValidationError, fields, validate


class EnvelopeSchema(Schema):
    id = fields.UUID(required=True)
    type = fields.String(required=True, validate=validate.Regexp(r"^[a-z_]+\.[a-z_]+$"))
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    occurred_at = fields.AwareDateTime(required=True)
    correlation_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    producer = fields.String(required=True, validate=validate.Length(min=1, max=32))
    payload = fields.Dict(required=True)


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

    def to_dict(self) -> dict:
        return {
            "id": self.id, "type": self.type, "version": self.version, "occurred_at": self.occurred_at,
            "correlation_id": self.correlation_id, "producer": self.producer, "payload": self.payload,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Envelope:
        """Validates the envelope shape (not the payload: see ``chassis.events.registry``)."""
        errors = _ENVELOPE_SCHEMA.validate(data)
        if errors:
            raise ValidationError(errors)
        return cls(id=str(data["id"]), type=data["type"], version=int(data["version"]),
                   occurred_at=data["occurred_at"], correlation_id=data["correlation_id"],
                   producer=data["producer"], payload=data["payload"])
