"""Events produced by the auth service.

Every account is described by the same fields (``_UserSchema``). Consumers keep what they need in
their own read model, keyed by ``user_id``, and treat ``auth.user_registered`` and
``auth.user_updated`` alike as an upsert (``python -m services.auth.cli backfill-users`` re-sends an
``auth.user_updated`` for every existing user, for a consumer deployed later).

The two events that carry a temporary password are recorded with ``sensitive=True``: the relay
deletes their outbox row once the broker confirmed them, and no log line ever holds the password.
Only the notifier should consume them.
"""
from marshmallow import Schema, fields, validate

from chassis.events.catalogue.common import language
from chassis.events.registry import event_schema


class _UserSchema(Schema):
    user_id = fields.String(required=True,
                            metadata={"description": "The account's id (UUID string): the `sub` of its tokens"})
    email = fields.Email(required=True, metadata={"description": "Current email address (unique, case-insensitive)"})
    first_name = fields.String(required=True, metadata={"description": "First name"})
    last_name = fields.String(required=True, metadata={"description": "Last name"})
    roles = fields.List(fields.String(), required=True,
                        metadata={"description": "Roles: trainer, cards_staff, member, productions_staff"})
    username = fields.String(allow_none=True, load_default=None, metadata={
        "description": "Trainers: login derived from the card number (ethc123); else null"})
    card_number = fields.String(allow_none=True, load_default=None,
                                metadata={"description": "Trainers: card number (ethc123-04); else null"})
    language = language(metadata={"description": "Preferred language for messages: fr (default) or en"})


@event_schema("auth.user_registered", 1)
class UserRegistered(_UserSchema):
    """Any new account: a member who registered, a trainer or staff created by staff, a demo account.
    Carries no secret."""


@event_schema("auth.user_updated", 1)
class UserUpdated(_UserSchema):
    """An account's profile changed (email, names, language); also sent for every user by
    ``python -m services.auth.cli backfill-users``. Carries the whole profile after the change."""


@event_schema("auth.trainer_created", 1)
class TrainerCreated(_UserSchema):
    """Staff created a trainer (C1): carries the first temporary password for the notifier to email.
    Sensitive: purged from the outbox once published. Sent after the trainer's ``auth.user_registered``.
    Not sent for accounts created with a known password (CLI, demo)."""
    temporary_password = fields.String(required=True,
                                       metadata={"description": "One-time password; its login must change it"})
    expires_at = fields.AwareDateTime(required=True,
                                      metadata={"description": "When the temporary password stops working (UTC)"})


@event_schema("auth.password_reset_requested", 1)
class PasswordResetRequested(_UserSchema):
    """Someone asked for a new password (C2, P2): carries a one-time temporary password, valid 60
    minutes, for the notifier to email. Sensitive: purged from the outbox once published. The
    account's current password keeps working; a login with it cancels the temporary one (used or
    not), and only a session opened with the temporary password must change the password."""
    temporary_password = fields.String(required=True,
                                       metadata={"description": "One-time password; its login must change it"})
    expires_at = fields.AwareDateTime(required=True,
                                      metadata={"description": "When the temporary password stops working (UTC)"})
    password_revoked = fields.Boolean(load_default=False, metadata={
        "description": "True when the account's password was revoked (the owner said an email change was "
                       "not theirs): only this temporary password works now"})


@event_schema("auth.email_change_requested", 1)
class EmailChangeRequested(_UserSchema):
    """The account asked, with its current password, to change its email (``PATCH /me``). ``email``
    is still the login: the notifier sends the new address a single-use link that confirms it (valid
    24 h), and tells the old address at once, with a single-use "this was not me" link that cancels
    (or undoes) the change, ends every session and sends a temporary password. Sensitive: carries
    both link tokens (auth keeps only their hashes); purged from the outbox once published, withheld
    from webhooks. Only the notifier should consume it."""
    new_email = fields.Email(required=True, metadata={"description": "The address asked for, not yet confirmed"})
    confirmation_token = fields.String(required=True, metadata={
        "description": "Single-use token of the confirmation link sent to `new_email`"})
    expires_at = fields.AwareDateTime(required=True,
                                      metadata={"description": "When the confirmation link expires (UTC)"})
    cancellation_token = fields.String(required=True, metadata={
        "description": "Single-use token of the \"this was not me\" link sent to `email`"})
    cancel_expires_at = fields.AwareDateTime(required=True, metadata={
        "description": "When the \"this was not me\" link expires (UTC)"})


class _AccountStatusSchema(Schema):
    user_id = fields.String(required=True, metadata={"description": "The account's id: the `sub` of its tokens"})


@event_schema("auth.user_disabled", 1)
class UserDisabled(_AccountStatusSchema):
    """Staff disabled the account: its refresh tokens are already dead in auth; every service records
    it (``chassis.account_status``) and refuses its access tokens (401 ``account_disabled``) within 30 s.
    Consumers apply it only if newer (``occurred_at``) than the status they hold."""


@event_schema("auth.user_enabled", 1)
class UserEnabled(_AccountStatusSchema):
    """Staff enabled a disabled account again: services accept its tokens again (new logins)."""


@event_schema("auth.account_dormancy_warned", 1)
class AccountDormancyWarned(_UserSchema):
    """A member's account was not used (no login, no refresh) for ``AUTH_DORMANT_ACCOUNT_YEARS``: the
    notifier emails its owner that it will be anonymized after ``anonymize_after`` unless they log in."""
    last_active_at = fields.AwareDateTime(required=True, metadata={
        "description": "The account's last login or refresh (its creation when never used) (UTC)"})
    anonymize_after = fields.AwareDateTime(required=True, metadata={
        "description": "When the next retention run anonymizes it if nobody logged in meanwhile (UTC)"})


@event_schema("auth.account_anonymized", 1)
class AccountAnonymized(Schema):
    """A member's account was anonymized in auth (dormant, or erasure asked by its owner or AQPM staff):
    each service replaces what it holds about the person (productions: their house administrations and
    sheet access removed, the read model's names and email; the notifier: the emails sent to them) and
    keeps its audit entries under the ``pseudonym``. Cards and billing hold nothing about members (their
    requests and invoices are trainers'), so they do not consume it. Carries no personal information."""
    user_id = fields.String(required=True, metadata={"description": "The account's id"})
    pseudonym = fields.String(required=True, metadata={
        "description": "What now stands for the person (names, audit entries): `anonyme-` and 12 hex digits"})
    reason = fields.String(required=True, validate=validate.OneOf(["dormant", "request"]),
                           metadata={"description": "`dormant` (retention) or `request` (erasure asked)"})
