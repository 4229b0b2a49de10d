"""The fields auth's request schemas are built from: trimmed strings, names, emails, passwords, languages."""
from __future__ import annotations

from marshmallow import fields, validate

from services.auth.domain.passwords import MAX_LENGTH, MIN_LENGTH

LANGUAGES = ("fr", "en")


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
    """Its length message is marshmallow's own ("Entre 10 et 128 caractères."), translated by chassis."""
    return fields.String(validate=validate.Length(min=MIN_LENGTH, max=MAX_LENGTH), **kwargs)


def language_field(**kwargs):
    return fields.String(validate=validate.OneOf(LANGUAGES), **kwargs)
