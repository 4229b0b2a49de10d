"""A person's data export (Québec Law 25): the request and every service's part, one exchange over the bus.

The schemas of this exchange are kept together, whatever their producer: ``auth`` and ``cards`` ask
(``auth.data_export_requested``, ``cards.participant_export_requested``), each service that holds personal
data answers with ``<service>.data_export_part`` (``chassis.privacy_export``), and the notifier assembles the
ZIP and emails its link. Requests and parts carry personal data: their outbox rows are sensitive and no
webhook receives them.
"""
from marshmallow import Schema, fields, validate

from chassis.events.registry import event_schema
from chassis.privacy_export import ACCOUNT, PARTICIPANT

PORTALS = ["cards", "productions"]


def _d(text: str) -> dict:
    return {"description": text}


class ExportSubjectSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf([ACCOUNT, PARTICIPANT]),
                         metadata=_d("account: a person with an account; participant: a trainee without one"))
    user_id = fields.String(allow_none=True, load_default=None, metadata=_d("The account (kind account)"))
    email = fields.Email(allow_none=True, load_default=None, metadata=_d("The account's email (kind account)"))
    username = fields.String(allow_none=True, load_default=None, metadata=_d("Trainers: their login"))
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    birth_date = fields.Date(allow_none=True, load_default=None, metadata=_d("A trainee's birth date"))
    participant_ids = fields.List(fields.String(), load_default=list, metadata=_d(
        "A trainee: the participant rows of cards that are this person (same name and birth date)"))


class ExportRecipientSchema(Schema):
    """Who gets the link: the notifier finds their address, names and language in its directory of
    accounts (kept from auth's events)."""
    user_id = fields.String(required=True, metadata=_d("Who may download the ZIP (logged in as this account)"))
    portal = fields.String(required=True, validate=validate.OneOf(PORTALS),
                           metadata=_d("The portal whose page the link opens"))


class _ExportRequestSchema(Schema):
    export_id = fields.String(required=True, metadata=_d("The export's id (UUID): every part names it"))
    subject = fields.Nested(ExportSubjectSchema, required=True)
    recipient = fields.Nested(ExportRecipientSchema, required=True)
    parts = fields.List(fields.String(), required=True,
                        metadata=_d("The services whose part the ZIP waits for (DATA_EXPORT_PARTS)"))
    requested_at = fields.AwareDateTime(required=True)


@event_schema("auth.data_export_requested", 1)
class DataExportRequested(_ExportRequestSchema):
    """A person asked, from their profile, for the data the platform holds on them (``POST /me/data-export``):
    every service answers with its part; the notifier emails them a single-use link to the ZIP. Sensitive."""


@event_schema("cards.participant_export_requested", 1)
class ParticipantExportRequested(_ExportRequestSchema):
    """ASSTSAS staff asked, from the participant search, for the data held on a trainee without an account:
    the same parts and ZIP, the link emailed to the staff member who asked. Sensitive."""


class ExportFileSchema(Schema):
    name = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9_]+\.(json|csv)$"),
                         metadata=_d("File name inside the service's folder of the ZIP"))
    media_type = fields.String(required=True, validate=validate.OneOf(["application/json", "text/csv"]))
    content = fields.String(required=True, metadata=_d("The file's text (UTF-8)"))


class _ExportPartSchema(Schema):
    """One service's part of an export: the files made from its rows about the subject (none when it
    holds nothing on them). Sensitive; never sent to a webhook."""
    export_id = fields.String(required=True)
    service = fields.String(required=True)
    files = fields.List(fields.Nested(ExportFileSchema), required=True)


@event_schema("auth.data_export_part", 1)
class AuthDataExportPart(_ExportPartSchema):
    """Auth's part: the account, its security trail, its email changes and sessions (no hash, no token)."""


@event_schema("billing.data_export_part", 1)
class BillingDataExportPart(_ExportPartSchema):
    """Billing's part: the person's invoices, their lines and payments (of a card, only its last 4 digits)."""


@event_schema("cards.data_export_part", 1)
class CardsDataExportPart(_ExportPartSchema):
    """Cards' part: the requests the person entered and their participants and cards; for a trainee, their
    participant rows and cards."""


@event_schema("productions.data_export_part", 1)
class ProductionsDataExportPart(_ExportPartSchema):
    """Productions' part: the houses the person administers, the sheets they created, their access grants
    and SET hand-offs."""
