"""Events produced by the cards service (the card-request desk of Portal 1).

Consumers: ``cards.session_submitted`` -> billing (invoice) and notifier; ``cards.session_cancelled``
-> billing (voids the invoice); ``cards.cards_issued`` and ``cards.session_shipped`` -> notifier.
Field names are stable; new fields are only ever added, optional for consumers.
"""
from marshmallow import Schema, fields, validate

from chassis.events.catalogue.common import PersonalDataViewedSchema, language, money
from chassis.events.registry import event_schema


class TrainerSchema(Schema):
    """The first trainer of the request, as the request holds it (the email is editable per request)."""
    user_id = fields.String(required=True, metadata={"description": "auth user id of the trainer"})
    card_number = fields.String(required=True, metadata={"description": "trainer card, e.g. ethc123-04"})
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    email = fields.Email(required=True, metadata={"description": "the trainer's email for this request"})


class BillToSchema(Schema):
    """Who the invoice is addressed to: the trainer (individual) or the organization."""
    kind = fields.String(required=True, validate=validate.OneOf(["individual", "organization"]))
    name = fields.String(required=True, metadata={"description": "trainer's full name, or the organization name"})
    attention = fields.String(allow_none=True, load_default=None,
                              metadata={"description": "« À l'attention de » (organization only)"})
    address = fields.String(required=True)
    city = fields.String(required=True)
    postal_code = fields.String(required=True, metadata={"description": "Canadian, normalized: `H2X 1Y4`"})
    email = fields.Email(required=True, metadata={"description": "where the invoice is emailed (C6)"})


class DeliverySchema(Schema):
    """Where the cards are mailed; its email receives the invoice and every confirmation (guide, C6)."""
    address = fields.String(required=True)
    city = fields.String(required=True)
    postal_code = fields.String(required=True)
    attention = fields.String(required=True)
    email = fields.Email(required=True)


@event_schema("cards.session_submitted", 1)
class SessionSubmitted(Schema):
    """A trainer submitted a request for cards (C8): billing issues the invoice for ``total``."""
    session_id = fields.String(required=True, metadata={"description": "the cards request (UUID)"})
    trainer = fields.Nested(TrainerSchema, required=True)
    organization_name = fields.String(required=True, metadata={"description": "the trained organization"})
    activity_label = fields.String(required=True, metadata={"description": "French label of the training activity"})
    activity_label_en = fields.String(allow_none=True, load_default=None,
                                      metadata={"description": "English label of the activity, when there is one "
                                                               "(an English invoice names it so)"})
    end_date = fields.Date(required=True, metadata={"description": "last day of the training"})
    participant_count = fields.Integer(required=True, validate=validate.Range(min=1),
                                       metadata={"description": "cards to issue, one a participant"})
    unit_price = money(required=True, metadata={"description": "price of one card, \"2.00\""})
    total = money(required=True, metadata={"description": "participant_count x unit_price"})
    currency = fields.String(required=True, validate=validate.Equal("CAD"), metadata={"description": "always CAD"})
    payment_method = fields.String(required=True, validate=validate.OneOf(["credit_card", "cheque", "direct_deposit"]),
                                   metadata={"description": "credit_card only when total >= card_minimum"})
    bill_to = fields.Nested(BillToSchema, required=True, metadata={"description": "who the invoice is addressed to"})
    delivery = fields.Nested(DeliverySchema, required=True, metadata={"description": "where the cards are mailed"})
    language = language(metadata={"description": "the trainer's language"})
    card_minimum = money(load_default="5.00", metadata={
        "description": "smallest total payable by credit card (CARDS_CARD_MINIMUM): billing applies it to the "
                       "invoice; \"5.00\" for events sent before the field existed"})


@event_schema("cards.session_cancelled", 1)
class SessionCancelled(Schema):
    """The trainer or staff cancelled a request that was new, submitted or invoiced: billing voids its invoice."""
    session_id = fields.String(required=True, metadata={"description": "the cards request (UUID)"})
    cancelled_by = fields.String(required=True, metadata={"description": "user id of who cancelled"})
    reason = fields.String(allow_none=True, load_default=None, metadata={"description": "free text, if given"})


class IssuedAttestationSchema(Schema):
    participant_id = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "participant's first and last name"})
    code = fields.String(required=True, metadata={"description": "verification code printed on the card"})


@event_schema("cards.cards_issued", 1)
class CardsIssued(Schema):
    """The session is paid: one attestation per participant, each with its verification code (X3)."""
    session_id = fields.String(required=True, metadata={"description": "the cards request (UUID)"})
    trainer_user_id = fields.String(required=True, metadata={"description": "auth user id of the first trainer"})
    email = fields.Email(required=True, metadata={"description": "the request's correspondence email (delivery.email)"})
    trainer_email = fields.Email(allow_none=True, load_default=None,
                                 metadata={"description": "the trainer's email on the request"})
    attestation_count = fields.Integer(required=True, metadata={"description": "attestations issued by this event"})
    attestations = fields.List(fields.Nested(IssuedAttestationSchema), load_default=list,
                               metadata={"description": "the attestations issued by this event"})
    language = language(metadata={"description": "the trainer's language"})


@event_schema("cards.session_shipped", 1)
class SessionShipped(Schema):
    """Staff shipped the cards (C11): the trainer is emailed."""
    session_id = fields.String(required=True, metadata={"description": "the cards request (UUID)"})
    trainer_user_id = fields.String(required=True, metadata={"description": "auth user id of the first trainer"})
    email = fields.Email(required=True, metadata={"description": "the request's correspondence email (delivery.email)"})
    trainer_email = fields.Email(allow_none=True, load_default=None,
                                 metadata={"description": "the trainer's email on the request"})
    first_name = fields.String(required=True, metadata={"description": "the trainer's first name"})
    last_name = fields.String(required=True, metadata={"description": "the trainer's last name"})
    participant_count = fields.Integer(required=True, metadata={"description": "cards in the parcel"})
    shipped_at = fields.AwareDateTime(required=True, metadata={"description": "when staff marked it shipped (UTC)"})
    language = language()
    # Which request it is, for the email to name it (added later: optional, older events lack them).
    organization_name = fields.String(allow_none=True, load_default=None,
                                      metadata={"description": "the trained organization"})
    activity_label = fields.String(allow_none=True, load_default=None,
                                   metadata={"description": "French label of the training activity"})
    activity_label_en = fields.String(allow_none=True, load_default=None,
                                      metadata={"description": "English label of the activity, when there is one"})
    location = fields.String(allow_none=True, load_default=None,
                             metadata={"description": "where the training was given"})
    end_date = fields.Date(allow_none=True, load_default=None, metadata={"description": "last day of the training"})
    invoice_number = fields.String(allow_none=True, load_default=None,
                                   metadata={"description": "the request's invoice number, e.g. 2026-000123"})
    delivery = fields.Nested(DeliverySchema, allow_none=True, load_default=None,
                             metadata={"description": "where the cards were mailed"})


@event_schema("cards.personal_data_viewed", 1)
class PersonalDataViewed(PersonalDataViewedSchema):
    """ASSTSAS staff searched participants (C13): auth records it in the log of staff reads."""
