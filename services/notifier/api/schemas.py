"""Request and response schemas of the notifier API (marshmallow 4; unknown fields are refused)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from chassis.i18n import N_
from chassis.page_schema import page_of, page_query
from services.notifier.domain.mail_templates import TEMPLATES
from services.notifier.domain.webhook_signing import is_standard_secret

MESSAGE_STATUSES = ("pending", "sent", "failed")
DELIVERY_STATUSES = ("pending", "delivered", "failed", "cancelled")
SECRET_FORM = N_("Secret attendu : « whsec_ » suivi de 24 à 64 octets encodés en base64.")


class Trimmed(fields.String):
    """A string with surrounding blanks removed before validation."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


PageQuery = page_query("PageQuery", last_offset=None)


class MessageQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(MESSAGE_STATUSES))
    template = fields.String(validate=validate.OneOf(TEMPLATES))
    to = Trimmed(validate=validate.Length(min=1, max=320), metadata={"description": "exact recipient address"})
    event_id = Trimmed(validate=validate.Length(min=1, max=36))
    event_type = Trimmed(validate=validate.Length(min=1, max=80))


class _SendingFields(Schema):
    """What an email and a webhook delivery both are: a sending for one event, retried until it succeeds or fails."""
    id = fields.String()
    event_id = fields.String()
    event_type = fields.String()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    created_at = fields.DateTime()
    next_attempt_at = fields.DateTime()


class MessageSchema(_SendingFields):
    to = fields.String(attribute="to_address")
    to_name = fields.String()
    subject = fields.String()
    template = fields.String()
    language = fields.String()
    portal = fields.String()
    status = fields.String(metadata={"description": "pending | sent | failed (failed = dead letter, replayable)"})
    has_attachment = fields.Function(lambda m: m.attachment_filename is not None)
    sent_at = fields.DateTime(allow_none=True)


MessageList = page_of(MessageSchema, "MessageList")


def standard_secret(value: str) -> None:
    if not is_standard_secret(value):
        raise ValidationError(SECRET_FORM)


class WebhookCreate(Schema):
    url = Trimmed(required=True, validate=[validate.Length(max=2000), validate.URL(schemes={"http", "https"},
                                                                                    require_tld=False)])
    events = fields.List(Trimmed(validate=validate.Length(min=1, max=80)), required=True,
                         validate=validate.Length(min=1, max=50),
                         metadata={"description": "event types, e.g. billing.invoice_issued (docs/events.md)"})
    secret = fields.String(validate=standard_secret, metadata={
        "description": "signing secret in the Standard Webhooks form: `whsec_` + standard base64 (padded) of 24 to "
                       "64 random bytes; generated (32 bytes) and returned once when omitted"})
    description = Trimmed(validate=validate.Length(max=200), allow_none=True)
    portal = fields.String(validate=validate.OneOf(("cards", "productions")),
                           metadata={"description": "owning team; needed only when the caller is staff of both"})


class WebhookSchema(Schema):
    id = fields.String()
    url = fields.String()
    events = fields.List(fields.String())
    description = fields.String(allow_none=True)
    portal = fields.String()
    created_by = fields.String()
    created_at = fields.DateTime()


class WebhookCreated(WebhookSchema):
    secret = fields.String(metadata={"description": "shown once, at creation: give it as it is to a Standard "
                                                    "Webhooks library to verify deliveries"})


WebhookList = page_of(WebhookSchema, "WebhookList")


class AttemptSchema(Schema):
    number = fields.Integer()
    attempted_at = fields.DateTime()
    status_code = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    duration_ms = fields.Integer()


class DeliverySchema(_SendingFields):
    status = fields.String(metadata={"description": " | ".join(DELIVERY_STATUSES)})
    delivered_at = fields.DateTime(allow_none=True)
    attempt_log = fields.List(fields.Nested(AttemptSchema))


class DeliveryQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(DELIVERY_STATUSES))


DeliveryList = page_of(DeliverySchema, "DeliveryList")
