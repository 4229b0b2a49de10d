"""Request fields with the contract's habits: trimmed, length-limited, messages in the caller's language.

Messages are French source strings marked ``N_`` (the fields are built at import time); marshmallow's
``{min}``-style placeholders are filled after translation (``chassis.validation_messages``)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from chassis.i18n import N_, translate
from chassis.validation_messages import source_of

REQUIRED = N_("Champ obligatoire.")
NULL = N_("Ce champ ne peut pas être vide.")
INVALID_TEXT = N_("Texte attendu.")
INVALID_DATE = N_("Date invalide (AAAA-MM-JJ).")
INVALID_EMAIL = N_("Courriel invalide.")


def _messages(invalid: str) -> dict:
    return {"required": REQUIRED, "null": NULL, "invalid": invalid}


class StrictSchema(Schema):
    """Unknown fields are refused (marshmallow's default RAISE), in the caller's language."""
    error_messages = {"unknown": N_("Champ inconnu."),
                      "type": N_("Objet JSON attendu.")}


class Text(fields.String):
    """A string, trimmed and with inner runs of spaces collapsed, between ``min_length`` and ``max_length``."""

    def __init__(self, max_length: int, *, min_length: int = 1, extra_validators=(), **kwargs):
        length = validate.Length(
            min=min_length, max=max_length,
            error=N_("Entre {min} et {max} caractères."))
        kwargs.setdefault("error_messages", _messages(INVALID_TEXT))
        super().__init__(validate=[length, *extra_validators], **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return " ".join(super()._deserialize(value, attr, data, **kwargs).split())


def Email(**kwargs) -> Text:  # noqa: N802 (a field factory reads like a field class)
    return Text(254, extra_validators=[validate.Email(error=INVALID_EMAIL)], **kwargs)


def Day(**kwargs) -> fields.Date:  # noqa: N802
    return fields.Date(error_messages=_messages(INVALID_DATE), **kwargs)


class _OneOf(validate.OneOf):
    """``OneOf`` whose message, translated when raised, names the allowed values (``{choices}``)."""

    def _format_error(self, value) -> str:
        return translate(source_of(self.error)).format(input=value, choices=self.choices_text)


def Choice(values, **kwargs) -> fields.String:  # noqa: N802
    return fields.String(validate=_OneOf(values, error=N_("Valeur permise : {choices}.")),
                         error_messages=_messages(INVALID_TEXT), **kwargs)


def Flag(**kwargs) -> fields.Boolean:  # noqa: N802
    return fields.Boolean(error_messages=_messages(N_("Vrai ou faux attendu.")), **kwargs)


INVALID_INTEGER = N_("Nombre entier attendu.")


class PageArgs(StrictSchema):
    limit = fields.Integer(load_default=50, error_messages=_messages(INVALID_INTEGER),
                           validate=validate.Range(min=1, max=200, error=N_("Entre 1 et 200.")))
    offset = fields.Integer(load_default=0, error_messages=_messages(INVALID_INTEGER),
                            validate=validate.Range(min=0, max=10**9, error=N_("Entre 0 et 10⁹.")))
