"""Request and response schemas of the auth API (marshmallow 4; unknown fields are rejected)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from chassis.i18n import N_
from chassis.page_schema import page_of, page_query
from chassis.response_schemas import PersonFields
from services.auth.api.fields import (
    LowerCardNumber,
    Trimmed,
    email_field,
    language_field,
    name_field,
    new_password_field,
)
from services.auth.domain.password_policy import guessability_problem, user_inputs
from services.auth.domain.passwords import MAX_LENGTH
from services.auth.domain.usernames import CARD_NUMBER

EMAILS_DIFFER = N_("Les adresses courriel ne correspondent pas.")
PASSWORDS_DIFFER = N_("Les mots de passe ne correspondent pas.")
CARD_FORMAT = N_("Numéro de carte attendu : 4 lettres, 3 chiffres, un tiret, 2 chiffres (ex. ethc123-04).")
ONE_OF_CARD_OR_EMAIL = N_("Indiquez soit le numéro de carte, soit le courriel.")


# --- requests ---------------------------------------------------------------------------------
class RegisterSchema(Schema):
    first_name = name_field(required=True)
    last_name = name_field(required=True)
    email = email_field(required=True)
    email_confirmation = Trimmed(required=True, validate=validate.Length(max=254))
    password = new_password_field(required=True)
    password_confirmation = fields.String(required=True, validate=validate.Length(max=MAX_LENGTH))
    language = language_field(load_default="fr")

    @validates_schema(skip_on_field_errors=False)
    def confirmations_match(self, data, **_kwargs):
        errors = {}
        if "email" in data and "email_confirmation" in data \
                and data["email"].lower() != data["email_confirmation"].lower():
            errors["email_confirmation"] = [EMAILS_DIFFER]
        if "password" in data and "password_confirmation" in data \
                and data["password"] != data["password_confirmation"]:
            errors["password_confirmation"] = [PASSWORDS_DIFFER]
        if errors:
            raise ValidationError(errors)

    @validates_schema(skip_on_field_errors=False)
    def password_not_guessable(self, data, **_kwargs):
        """Common and guessable passwords are refused, the person's names and email counting."""
        if "password" in data:
            problem = guessability_problem(data["password"], user_inputs(
                data.get("first_name"), data.get("last_name"), data.get("email")))
            if problem:
                raise ValidationError({"password": [problem]})


class LoginSchema(Schema):
    login = Trimmed(required=True, validate=validate.Length(min=1, max=254),
                    metadata={"description": "Email, username (ethc123) or card number (ethc123-04)"})
    password = fields.String(required=True, validate=validate.Length(min=1, max=MAX_LENGTH))
    remember_me = fields.Boolean(load_default=False)


class RefreshTokenSchema(Schema):
    refresh_token = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ForgotPasswordSchema(Schema):
    card_number = Trimmed(validate=validate.Length(min=1, max=20),
                          metadata={"description": "Card number (ethc123-04) or username (ethc123)"})
    email = email_field()

    @validates_schema(skip_on_field_errors=True)
    def exactly_one(self, data, **_kwargs):
        if ("card_number" in data) == ("email" in data):
            raise ValidationError({"card_number": [ONE_OF_CARD_OR_EMAIL], "email": [ONE_OF_CARD_OR_EMAIL]})


class PasswordChangeSchema(Schema):
    old_password = fields.String(required=True, validate=validate.Length(min=1, max=MAX_LENGTH))
    new_password = new_password_field(required=True)
    new_password_confirmation = fields.String(required=True, validate=validate.Length(max=MAX_LENGTH))

    @validates_schema(skip_on_field_errors=False)
    def confirmation_matches(self, data, **_kwargs):
        if "new_password" in data and "new_password_confirmation" in data \
                and data["new_password"] != data["new_password_confirmation"]:
            raise ValidationError({"new_password_confirmation": [PASSWORDS_DIFFER]})


class TrainerCreateSchema(Schema):
    card_number = LowerCardNumber(required=True, validate=validate.Regexp(CARD_NUMBER, error=CARD_FORMAT))
    first_name = name_field(required=True)
    last_name = name_field(required=True)
    email = email_field(required=True)
    language = language_field(load_default="fr")


class StaffUserPatchSchema(Schema):
    first_name = name_field()
    last_name = name_field()
    email = email_field()
    language = language_field()


QUERY_TOO_SHORT = N_("Tapez au moins 2 caractères.")
QUERY_TOO_LONG = N_("Au plus 100 caractères.")


class UserSearchQuerySchema(Schema):
    """The directory is a type-ahead: 2 characters or more, 10 people at most, no paging."""
    q = Trimmed(required=True, error_messages={"required": QUERY_TOO_SHORT},
                validate=[validate.Length(min=2, error=QUERY_TOO_SHORT),
                          validate.Length(max=100, error=QUERY_TOO_LONG)],
                metadata={"description": "Start of the first name, last name or email (accents and case ignored), "
                                         "2 characters or more"})
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=10))


class MePatchSchema(Schema):
    email = email_field(metadata={"description": "New address: needs current_password; becomes the login "
                                                 "once confirmed by the link"})
    current_password = fields.String(validate=validate.Length(min=1, max=MAX_LENGTH), load_only=True, metadata={
        "description": "Current password, required to change the email"})
    language = language_field()


class LinkTokenSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=10, max=200), metadata={
        "description": "The token of the emailed link"})


SecurityEventQuerySchema = page_query("SecurityEventQuerySchema")


# --- responses --------------------------------------------------------------------------------
class ProfileSchema(PersonFields):
    id = fields.String()
    username = fields.String(allow_none=True)
    card_number = fields.String(allow_none=True)
    roles = fields.List(fields.String())
    language = fields.String()
    must_change_password = fields.Boolean()
    disabled = fields.Boolean(metadata={"description": "Disabled by staff: no login, every token refused"})


class TokensSchema(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()
    refresh_token = fields.String()
    must_change_password = fields.Boolean()


class AcceptedSchema(Schema):
    message = fields.String()


class DirectoryEntrySchema(PersonFields):
    id = fields.String()
    email = fields.String(metadata={"description": "Full for staff, masked for a house administrator"})


class DirectoryPageSchema(Schema):
    items = fields.List(fields.Nested(DirectoryEntrySchema))
    total = fields.Integer(metadata={"description": "The number of items"})


class JwksSchema(Schema):
    keys = fields.List(fields.Dict())


class MeProfileSchema(ProfileSchema):
    pending_email = fields.String(allow_none=True, metadata={
        "description": "New address waiting for its confirmation link"})
    pending_email_expires_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "When the confirmation link expires"})


class EmailConfirmedSchema(Schema):
    email = fields.String(metadata={"description": "The account's email (its login) now"})
    message = fields.String()


class EmailChangeCancelledSchema(Schema):
    message = fields.String()


class SecurityEventSchema(Schema):
    id = fields.Integer()
    user_id = fields.String(allow_none=True)
    kind = fields.String(metadata={"description": "login, login_lockout, email_change_requested, "
                                                  "email_change_confirmed, email_change_cancelled, password_changed, "
                                                  "password_reset_requested, refresh_token_reuse, account_disabled, "
                                                  "account_enabled, data_export_requested"})
    outcome = fields.String(metadata={"description": "success, failure, throttled, locked, revoked, conflict"})
    address = fields.String(allow_none=True, metadata={"description": "Client address"})
    details = fields.Dict()
    occurred_at = fields.AwareDateTime()


SecurityEventPageSchema = page_of(SecurityEventSchema, "SecurityEventPageSchema")
