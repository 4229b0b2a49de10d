"""Request fields with the contract's habits: trimmed, length-limited, bilingual messages."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

REQUIRED = "Champ obligatoire. / Required field."
NULL = "Ce champ ne peut pas être vide. / This field may not be null."
INVALID_TEXT = "Texte attendu. / A string is expected."
INVALID_DATE = "Date invalide (AAAA-MM-JJ). / Invalid date (YYYY-MM-DD)."
INVALID_EMAIL = "Courriel invalide. / Invalid email address."


def _messages(invalid: str) -> dict:
    return {"required": REQUIRED, "null": NULL, "invalid": invalid}


class StrictSchema(Schema):
    """Unknown fields are refused (marshmallow's default RAISE) with a bilingual message."""
    error_messages = {"unknown": "Champ inconnu. / Unknown field.",
                      "type": "Objet JSON attendu. / A JSON object is expected."}


class Text(fields.String):
    """A string, trimmed and with inner runs of spaces collapsed, between ``min_length`` and ``max_length``."""

    def __init__(self, max_length: int, *, min_length: int = 1, extra_validators=(), **kwargs):
        length = validate.Length(
            min=min_length, max=max_length,
            error=f"Entre {min_length} et {max_length} caractères. / Between {min_length} and {max_length} characters.")
        kwargs.setdefault("error_messages", _messages(INVALID_TEXT))
        super().__init__(validate=[length, *extra_validators], **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return " ".join(super()._deserialize(value, attr, data, **kwargs).split())


def Email(**kwargs) -> Text:  # noqa: N802 (a field factory reads like a field class)
    return Text(254, extra_validators=[validate.Email(error=INVALID_EMAIL)], **kwargs)


def Day(**kwargs) -> fields.Date:  # noqa: N802
    return fields.Date(error_messages=_messages(INVALID_DATE), **kwargs)


def Choice(values, **kwargs) -> fields.String:  # noqa: N802
    allowed = ", ".join(values)
    return fields.String(validate=validate.OneOf(values, error=f"Valeur permise : {allowed}. / Allowed: {allowed}."),
                         error_messages=_messages(INVALID_TEXT), **kwargs)


def Flag(**kwargs) -> fields.Boolean:  # noqa: N802
    return fields.Boolean(error_messages=_messages("Vrai ou faux attendu. / A boolean is expected."), **kwargs)


INVALID_INTEGER = "Nombre entier attendu. / An integer is expected."


class PageArgs(StrictSchema):
    limit = fields.Integer(load_default=50, error_messages=_messages(INVALID_INTEGER),
                           validate=validate.Range(min=1, max=200, error="Entre 1 et 200. / Between 1 and 200."))
    offset = fields.Integer(load_default=0, error_messages=_messages(INVALID_INTEGER),
                            validate=validate.Range(min=0, max=10**9, error="Entre 0 et 10⁹. / Between 0 and 10⁹."))
