"""Events produced by the auth service."""
from marshmallow import Schema, fields

from chassis.events.catalogue.common import language
from chassis.events.registry import event_schema


class _UserSchema(Schema):
    user_id = fields.String(required=True)
    email = fields.Email(required=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    roles = fields.List(fields.String(), required=True)
    username = fields.String(allow_none=True, load_default=None)
    card_number = fields.String(allow_none=True, load_default=None)
    language = language()


@event_schema("auth.user_registered", 1)
class UserRegistered(_UserSchema):
    """Any new account: a member who registered, a trainer or staff created by staff."""


@event_schema("auth.user_updated", 1)
class UserUpdated(_UserSchema):
    """An account's profile changed (email, names, language, roles); also sent by the backfill."""


@event_schema("auth.trainer_created", 1)
class TrainerCreated(_UserSchema):
    """Carries the first temporary password to the notifier (C1). Sensitive: purged once published."""
    temporary_password = fields.String(required=True)
    expires_at = fields.AwareDateTime(required=True)


@event_schema("auth.password_reset_requested", 1)
class PasswordResetRequested(_UserSchema):
    """Carries a one-time temporary password to the notifier (C2, P2). Sensitive: purged once published."""
    temporary_password = fields.String(required=True)
    expires_at = fields.AwareDateTime(required=True)
