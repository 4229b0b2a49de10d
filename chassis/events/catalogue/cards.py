"""Events produced by the cards service."""
from marshmallow import Schema, fields, validate

from chassis.events.catalogue.common import language, money
from chassis.events.registry import event_schema


class TrainerSchema(Schema):
    user_id = fields.String(required=True)
    card_number = fields.String(required=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    email = fields.Email(required=True)


class BillToSchema(Schema):
    """Who the invoice is addressed to: the trainer (individual) or the organization."""
    kind = fields.String(required=True, validate=validate.OneOf(["individual", "organization"]))
    name = fields.String(required=True)
    attention = fields.String(allow_none=True, load_default=None)
    address = fields.String(required=True)
    city = fields.String(required=True)
    postal_code = fields.String(required=True)
    email = fields.Email(required=True)


class DeliverySchema(Schema):
    address = fields.String(required=True)
    city = fields.String(required=True)
    postal_code = fields.String(required=True)
    attention = fields.String(required=True)
    email = fields.Email(required=True)


@event_schema("cards.session_submitted", 1)
class SessionSubmitted(Schema):
    session_id = fields.String(required=True)
    trainer = fields.Nested(TrainerSchema, required=True)
    organization_name = fields.String(required=True)
    activity_label = fields.String(required=True)
    end_date = fields.Date(required=True)
    participant_count = fields.Integer(required=True, validate=validate.Range(min=1))
    unit_price = money(required=True)
    total = money(required=True)
    currency = fields.String(required=True, validate=validate.Equal("CAD"))
    payment_method = fields.String(required=True, validate=validate.OneOf(["credit_card", "cheque", "direct_deposit"]))
    bill_to = fields.Nested(BillToSchema, required=True)
    delivery = fields.Nested(DeliverySchema, required=True)
    language = language()


@event_schema("cards.session_cancelled", 1)
class SessionCancelled(Schema):
    session_id = fields.String(required=True)
    cancelled_by = fields.String(required=True)
    reason = fields.String(allow_none=True, load_default=None)


@event_schema("cards.cards_issued", 1)
class CardsIssued(Schema):
    """The session is paid: one attestation per participant, each with its verification code."""
    session_id = fields.String(required=True)
    trainer_user_id = fields.String(required=True)
    email = fields.Email(required=True)
    attestation_count = fields.Integer(required=True)
    language = language()


@event_schema("cards.session_shipped", 1)
class SessionShipped(Schema):
    """Staff shipped the cards (C11): the trainer is emailed."""
    session_id = fields.String(required=True)
    trainer_user_id = fields.String(required=True)
    email = fields.Email(required=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    participant_count = fields.Integer(required=True)
    shipped_at = fields.AwareDateTime(required=True)
    language = language()
