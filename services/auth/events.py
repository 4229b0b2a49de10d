"""Emitting auth's events: an outbox row in the caller's transaction (see chassis.bus.outbox).

The payload schemas are in ``chassis/events/catalogue/auth.py``. Events that carry a temporary
password or a link token are recorded with ``sensitive=True``: the relay deletes their row once published.
"""
from __future__ import annotations

from chassis.bus.outbox import emitter
from services.auth.db.models import User

PRODUCER = "auth"

USER_REGISTERED = "auth.user_registered"
USER_UPDATED = "auth.user_updated"
TRAINER_CREATED = "auth.trainer_created"
PASSWORD_RESET_REQUESTED = "auth.password_reset_requested"
EMAIL_CHANGE_REQUESTED = "auth.email_change_requested"
ACCOUNT_DORMANCY_WARNED = "auth.account_dormancy_warned"
ACCOUNT_ANONYMIZED = "auth.account_anonymized"

emit = emitter(PRODUCER)


def user_payload(user: User) -> dict:
    """The ``_UserSchema`` fields of chassis/events/catalogue/auth.py (never a secret)."""
    return {
        "user_id": user.id, "email": user.email, "first_name": user.first_name, "last_name": user.last_name,
        "roles": list(user.roles), "username": user.username, "card_number": user.card_number,
        "language": user.language,
    }
