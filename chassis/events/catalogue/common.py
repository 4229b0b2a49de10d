"""Field helpers shared by the catalogue modules."""
from marshmallow import Schema, fields, validate

LANGUAGES = ("fr", "en")


def money(**kwargs):
    """Money travels as a string with two decimals ("2.00"); never a float."""
    return fields.String(validate=validate.Regexp(r"^-?\d+\.\d{2}$"), **kwargs)


def language(**kwargs):
    return fields.String(validate=validate.OneOf(LANGUAGES), load_default="fr", dump_default="fr", **kwargs)


class PersonSchema(Schema):
    """Who to address: the notifier keeps this from the events it consumes."""
    user_id = fields.String(required=True)
    email = fields.Email(required=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    language = language()
