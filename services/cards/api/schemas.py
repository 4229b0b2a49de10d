"""Request and response schemas of the cards API (what ``/openapi.json`` documents)."""
from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import fields, validate

from chassis.i18n import N_
from chassis.page_schema import page_of
from chassis.response_schemas import AuditEntryFields, PersonFields, PersonNameFields, PostalAddressFields
from services.cards.api.fields import INVALID_INTEGER, REQUIRED, Choice, Day, Email, Flag, PageArgs, StrictSchema, Text
from services.cards.domain import statuses
from services.cards.domain.pricing import BILLED_TO, PAYMENT_METHODS

# --- requests --------------------------------------------------------------------------------

class SecondTrainerIn(StrictSchema):
    card_number = Text(20, required=True, metadata={"description": "ex. ethc123-04"})
    first_name = Text(100, required=True)
    last_name = Text(100, required=True)


class DeliveryIn(StrictSchema):
    address = Text(200, required=True)
    city = Text(100, required=True)
    postal_code = Text(10, required=True, metadata={"description": "Canadian, normalized to `H2X 1Y4`"})
    attention = Text(200, required=True, metadata={"description": "« À l'attention de »"})
    email = Email(required=True, metadata={"description": "receives the invoice and the confirmations"})


class SessionIn(StrictSchema):
    second_trainer = fields.Nested(SecondTrainerIn, allow_none=True, load_default=None)
    trainer_email = Email(allow_none=True, load_default=None,
                          metadata={"description": "defaults to the account's email"})
    organization_type = Text(40, required=True)
    organization_name = Text(200, allow_none=True, load_default=None,
                             metadata={"description": "free text, unless the type requires an institution"})
    institution_id = fields.Integer(allow_none=True, load_default=None, strict=True,
                                    validate=validate.Range(min=1, max=2**31 - 1,
                                                            error=N_("Identifiant invalide.")),
                                    error_messages={"invalid": INVALID_INTEGER})
    location = Text(200, required=True)
    activity_code = Text(40, required=True)
    end_date = Day(required=True, metadata={"description": "last day of training; not after today (Montréal)"})
    delivery = fields.Nested(DeliveryIn, required=True, error_messages={"required": REQUIRED})


class SessionPatch(SessionIn):
    """Any subset of the creation fields (loaded with ``partial=True``; ``delivery`` may be partial too)."""


class SessionListArgs(PageArgs):
    status = Choice(statuses.ALL)
    date_from = Day(metadata={"description": "end date on or after"})
    date_to = Day(metadata={"description": "end date on or before"})
    trainer = Text(100, metadata={"description": "staff: a trainer's user id or card number"})
    organization = Text(200, metadata={"description": "staff: part of the organization name (accents ignored)"})


class ParticipantIn(StrictSchema):
    title = Text(40, required=True, metadata={"description": "a title code or label from /reference"})
    first_name = Text(100, required=True)
    last_name = Text(100, required=True)
    birth_date = Day(required=True)
    phone = Text(30, required=True, metadata={"description": "North-American, normalized to 514-555-1234"})
    phone_ext = Text(6, min_length=0, allow_none=True, load_default=None)


class ParticipantPatch(ParticipantIn):
    """Any subset of the participant's fields (loaded with ``partial=True``)."""


class ImportIn(StrictSchema):
    file = Upload(required=True, metadata={"description": "CSV, UTF-8 or Windows-1252, `;` or `,`, header row"})


class SubmitIn(StrictSchema):
    payment_method = Choice(PAYMENT_METHODS, required=True)
    billed_to = Choice(BILLED_TO, required=True)


class CancelIn(StrictSchema):
    reason = Text(500, allow_none=True, load_default=None)


class ParticipantSearchArgs(PageArgs):
    last_name = Text(100, min_length=2, required=True)
    birth_date = Day()


class AuditArgs(PageArgs):
    session_id = Text(36)
    actor_id = Text(64)


class ReferenceArgs(StrictSchema):
    include_retired = Flag(load_default=False, metadata={"description": "staff: also the retired entries"})


class ReferenceEntryIn(StrictSchema):
    """``code`` for organization types, activities and titles; ``name`` for institutions."""
    code = Text(40, extra_validators=[validate.Regexp(r"^[a-z0-9_]+$",
                                                      error=N_("Minuscules, chiffres et _ seulement."))])
    label = Text(200)
    label_en = Text(200, allow_none=True)
    name = Text(200)
    requires_institution = Flag()


class ReferenceEntryPatch(StrictSchema):
    label = Text(200)
    label_en = Text(200, allow_none=True)
    name = Text(200)
    requires_institution = Flag()
    active = Flag()


# --- responses -------------------------------------------------------------------------------

class PersonOut(PersonFields, StrictSchema):
    user_id = fields.String()
    card_number = fields.String()


class DeliveryOut(PostalAddressFields, StrictSchema):
    attention = fields.String()
    email = fields.String()


class QuoteOut(StrictSchema):
    participant_count = fields.Integer()
    unit_price = fields.String(metadata={"example": "2.00"})
    total = fields.String(metadata={"example": "10.00"})
    currency = fields.String(metadata={"example": "CAD"})
    credit_card_allowed = fields.Boolean()
    card_minimum = fields.String(metadata={"example": "5.00", "description": "smallest total payable by card"})


class InvoiceRefOut(StrictSchema):
    id = fields.String()
    number = fields.String(allow_none=True)
    voided = fields.Boolean()


class SessionBriefOut(StrictSchema):
    id = fields.String()
    status = fields.String()
    end_date = fields.Date()
    activity_code = fields.String()
    activity_label = fields.String()
    organization_name = fields.String()
    trainer = fields.Nested(PersonOut)


class SessionOut(SessionBriefOut):
    """A request in full: its brief and the rest."""
    status_label = fields.String()
    second_trainer = fields.Nested(PersonOut, allow_none=True)
    organization_type = fields.String()
    organization_type_label = fields.String()
    institution_id = fields.Integer(allow_none=True)
    location = fields.String()
    participant_count = fields.Integer()
    delivery = fields.Nested(DeliveryOut)
    payment_method = fields.String(allow_none=True)
    billed_to = fields.String(allow_none=True)
    quote = fields.Nested(QuoteOut)
    invoice = fields.Nested(InvoiceRefOut, allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    submitted_at = fields.DateTime(allow_none=True)
    invoiced_at = fields.DateTime(allow_none=True)
    paid_at = fields.DateTime(allow_none=True)
    shipped_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)


SessionListOut = page_of(SessionOut, "SessionListOut", StrictSchema)


class AttestationRefOut(StrictSchema):
    code = fields.String()
    status = fields.String(metadata={"description": "valid | revoked"})
    issued_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    replaced_by = fields.String(allow_none=True)


class ParticipantOut(PersonNameFields, StrictSchema):
    id = fields.String()
    session_id = fields.String()
    title = fields.String()
    birth_date = fields.Date(allow_none=True, metadata={"description": "null once anonymized (retention)"})
    phone = fields.String(allow_none=True, metadata={"description": "null once anonymized (retention)"})
    phone_ext = fields.String(allow_none=True)
    attestations = fields.List(fields.Nested(AttestationRefOut))


ParticipantListOut = page_of(ParticipantOut, "ParticipantListOut", StrictSchema)


class LineErrorOut(StrictSchema):
    line = fields.Integer()
    fields = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class ImportOut(StrictSchema):
    created = fields.Integer()
    errors = fields.List(fields.Nested(LineErrorOut))


class ParticipantFoundOut(ParticipantOut):
    session = fields.Nested(SessionBriefOut)


ParticipantFoundListOut = page_of(ParticipantFoundOut, "ParticipantFoundListOut", StrictSchema)


class VerificationOut(StrictSchema):
    """Public: nothing beyond what is printed on the card (no birth date, no contact)."""
    code = fields.String()
    status = fields.String(metadata={"description": "valid | revoked"})
    name = fields.String()
    activity = fields.String()
    activity_en = fields.String(allow_none=True)
    date = fields.Date()
    trainer = fields.String()


class AttestationOut(AttestationRefOut):
    participant_id = fields.String()
    session_id = fields.String()
    name = fields.String()
    verification_url = fields.String()


AttestationListOut = page_of(AttestationOut, "AttestationListOut", StrictSchema)


class AuditOut(AuditEntryFields, StrictSchema):
    at = fields.DateTime()
    session_id = fields.String(allow_none=True)


AuditListOut = page_of(AuditOut, "AuditListOut", StrictSchema)


class LabelledCodeOut(StrictSchema):
    """A code of the reference lists with its labels (French; English when given)."""
    code = fields.String()
    label = fields.String()
    label_en = fields.String(allow_none=True)


class CodeLabelOut(LabelledCodeOut):
    active = fields.Boolean()


class OrganizationTypeOut(CodeLabelOut):
    requires_institution = fields.Boolean()


class InstitutionOut(StrictSchema):
    id = fields.Integer()
    name = fields.String()
    active = fields.Boolean()


class ReferenceOut(StrictSchema):
    organization_types = fields.List(fields.Nested(OrganizationTypeOut))
    institutions = fields.List(fields.Nested(InstitutionOut))
    activities = fields.List(fields.Nested(CodeLabelOut))
    titles = fields.List(fields.Nested(CodeLabelOut))


class ReferenceEntryOut(OrganizationTypeOut, InstitutionOut):
    """One entry of a list: ``code``/``label`` kinds, or ``id``/``name`` for institutions."""
