"""Schemas of the Law 25 endpoints of auth: retention preview, erasure, the log of staff reads."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.auth.domain.passwords import MAX_LENGTH


class ErasureSchema(Schema):
    password = fields.String(required=True, validate=validate.Length(min=1, max=MAX_LENGTH),
                             metadata={"description": "The account's current password"})


class ErasedSchema(Schema):
    user_id = fields.String()
    pseudonym = fields.String(metadata={"description": "What now stands for the person"})


class DormantAccountSchema(Schema):
    user_id = fields.String()
    action = fields.String(metadata={"description": "`warn` (email sent by the run) or `anonymize`"})
    first_name = fields.String()
    last_name = fields.String()
    email = fields.String()
    last_active_at = fields.DateTime(metadata={"description": "Last login or refresh (its creation if never)"})
    anonymize_after = fields.DateTime(metadata={"description": "When a warned account is anonymized"})


class RetentionPolicySchema(Schema):
    dormant_account_years = fields.Integer(metadata={"description": "AUTH_DORMANT_ACCOUNT_YEARS"})
    warning_days = fields.Integer(metadata={"description": "AUTH_DORMANT_WARNING_DAYS"})


class RetentionPreviewSchema(RetentionPolicySchema):
    items = fields.List(fields.Nested(DormantAccountSchema))
    total = fields.Integer()


class AccessLogQuerySchema(Schema):
    viewer_id = fields.String(validate=validate.Length(max=64))
    subject = fields.String(validate=validate.Length(max=300))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class AccessLogEntrySchema(Schema):
    id = fields.Integer()
    viewed_at = fields.DateTime()
    service = fields.String(metadata={"description": "The service that served the read"})
    viewer_id = fields.String(metadata={"description": "The staff account that read"})
    what = fields.String(metadata={"description": "participant_search, account, export, ..."})
    subject = fields.String(metadata={"description": "Whose information: the search's terms or a person's id"})
    details = fields.Dict()


class AccessLogPageSchema(Schema):
    items = fields.List(fields.Nested(AccessLogEntrySchema))
    total = fields.Integer()
