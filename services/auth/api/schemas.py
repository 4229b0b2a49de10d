"""Request and response schemas of the auth API (marshmallow 4; unknown fields are rejected)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.auth.domain.password_policy import guessability_problem, user_inputs
from services.auth.domain.passwords import MAX_LENGTH, MIN_LENGTH
from services.auth.domain.usernames import CARD_NUMBER

LANGUAGES = ("fr", "en")
PASSWORD_LENGTH = (f"Entre {MIN_LENGTH} et {MAX_LENGTH} caractères. / "
                   f"Between {MIN_LENGTH} and {MAX_LENGTH} characters.")
EMAILS_DIFFER = "Les adresses courriel ne correspondent pas. / The email addresses do not match."
PASSWORDS_DIFFER = "Les mots de passe ne correspondent pas. / The passwords do not match."
CARD_FORMAT = ("Numéro de carte attendu : 4 lettres, 3 chiffres, un tiret, 2 chiffres (ex. ethc123-04). / "
               "Expected card number: 4 letters, 3 digits, a dash, 2 digits (e.g. ethc123-04).")
ONE_OF_CARD_OR_EMAIL = ("Indiquez soit le numéro de carte, soit le courriel. / "
                        "Give either the card number or the email.")


class Trimmed(fields.String):
    """A string with surrounding spaces removed before validation."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


class TrimmedEmail(fields.Email):
    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


class LowerCardNumber(Trimmed):
    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).lower()


def name_field(**kwargs):
    return Trimmed(validate=validate.Length(min=1, max=100), **kwargs)


def email_field(**kwargs):
    return TrimmedEmail(validate=validate.Length(max=254), **kwargs)


def new_password_field(**kwargs):
    return fields.String(validate=validate.Length(min=MIN_LENGTH, max=MAX_LENGTH, error=PASSWORD_LENGTH), **kwargs)


def language_field(**kwargs):
    return fields.String(validate=validate.OneOf(LANGUAGES), **kwargs)


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
                    metadata={"description": "Courriel, nom d'utilisateur (ethc123) ou numéro de carte (ethc123-04)"})
    password = fields.String(required=True, validate=validate.Length(min=1, max=MAX_LENGTH))
    remember_me = fields.Boolean(load_default=False)


class RefreshTokenSchema(Schema):
    refresh_token = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ForgotPasswordSchema(Schema):
    card_number = Trimmed(validate=validate.Length(min=1, max=20),
                          metadata={"description": "Numéro de carte (ethc123-04) ou nom d'utilisateur (ethc123)"})
    email = email_field()

    @validates_schema(skip_on_field_errors=True)
    def exactly_one(self, data, **_kwargs):
        if ("card_number" in data) == ("email" in data):
            raise ValidationError({"card_number": [ONE_OF_CARD_OR_EMAIL], "email": [ONE_OF_CARD_OR_EMAIL]})


class ProfilePatchSchema(Schema):
    email = email_field()
    language = language_field()


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


QUERY_TOO_SHORT = "Tapez au moins 2 caractères. / Type at least 2 characters."
QUERY_TOO_LONG = "Au plus 100 caractères. / At most 100 characters."


class UserSearchQuerySchema(Schema):
    """The directory is a type-ahead: 2 characters or more, 10 people at most, no paging."""
    q = Trimmed(required=True, error_messages={"required": QUERY_TOO_SHORT},
                validate=[validate.Length(min=2, error=QUERY_TOO_SHORT),
                                         validate.Length(max=100, error=QUERY_TOO_LONG)],
                metadata={"description": "Début du prénom, du nom ou du courriel (sans accents ni casse), "
                                         "2 caractères ou plus / Start of the first name, last name or email"})
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=10))


# --- responses --------------------------------------------------------------------------------
class ProfileSchema(Schema):
    id = fields.String()
    username = fields.String(allow_none=True)
    card_number = fields.String(allow_none=True)
    first_name = fields.String()
    last_name = fields.String()
    email = fields.String()
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


class DirectoryEntrySchema(Schema):
    id = fields.String()
    first_name = fields.String()
    last_name = fields.String()
    email = fields.String(metadata={"description": "Complet pour le personnel, masqué (m•••@example.org) pour "
                                                  "un administrateur de maison / Full for staff, masked for a "
                                                  "house administrator"})


class DirectoryPageSchema(Schema):
    items = fields.List(fields.Nested(DirectoryEntrySchema))
    total = fields.Integer(metadata={"description": "Le nombre d'éléments de ``items`` / The number of items"})


class JwksSchema(Schema):
    keys = fields.List(fields.Dict())
