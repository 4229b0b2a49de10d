"""Schemas of the profile with its pending email change, and of the email-change links."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.auth.api.schemas import ProfileSchema, email_field, language_field
from services.auth.domain.passwords import MAX_LENGTH


class MeProfileSchema(ProfileSchema):
    pending_email = fields.String(allow_none=True, metadata={
        "description": "Nouvelle adresse en attente de confirmation (le lien envoyé à cette adresse) / "
                       "New address waiting for its confirmation link"})
    pending_email_expires_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "Quand le lien de confirmation expire / When the confirmation link expires"})


class MePatchSchema(Schema):
    email = email_field(metadata={"description": "Nouvelle adresse : exige current_password ; devient l'identifiant "
                                                 "une fois confirmée par le lien envoyé / New address: needs "
                                                 "current_password; becomes the login once confirmed by the link"})
    current_password = fields.String(validate=validate.Length(min=1, max=MAX_LENGTH), load_only=True, metadata={
        "description": "Mot de passe actuel, obligatoire pour changer de courriel / Current password, "
                       "required to change the email"})
    language = language_field()


class LinkTokenSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=10, max=200), metadata={
        "description": "Le jeton du lien reçu par courriel / The token of the emailed link"})


class EmailConfirmedSchema(Schema):
    email = fields.String(metadata={"description": "The account's email (its login) now"})
    message = fields.String()


class EmailChangeCancelledSchema(Schema):
    message = fields.String()
