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


class PersonalDataViewedSchema(Schema):
    """A staff read of someone's personal information (Law 25 "who looked"), told to auth, which keeps the
    log the person in charge reads (``GET /api/auth/privacy/access-log``)."""
    viewer_id = fields.String(required=True, metadata={"description": "The staff account that read (user id)"})
    what = fields.String(required=True, validate=validate.Length(max=40), metadata={
        "description": "What was read: participant_search, account, export, ..."})
    subject = fields.String(required=True, validate=validate.Length(max=300), metadata={
        "description": "Whose information: the search's terms, or the person's id"})
    details = fields.Dict(load_default=dict, metadata={"description": "e.g. how many people the search found"})
