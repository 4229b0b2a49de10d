"""A user as the API shows it and as the events carry it."""
from __future__ import annotations

from services.auth.db.models import User


def event_payload(user: User) -> dict:
    """The ``_UserSchema`` fields of chassis/events/catalogue/auth.py (never a secret)."""
    return {
        "user_id": user.id, "email": user.email, "first_name": user.first_name, "last_name": user.last_name,
        "roles": list(user.roles), "username": user.username, "card_number": user.card_number,
        "language": user.language,
    }


def profile(user: User) -> dict:
    return {
        "id": user.id, "username": user.username, "card_number": user.card_number,
        "first_name": user.first_name, "last_name": user.last_name, "email": user.email,
        "roles": list(user.roles), "language": user.language, "must_change_password": user.must_change_password,
        "disabled": user.disabled_at is not None,
    }


def directory_entry(user: User) -> dict:
    return {"id": user.id, "first_name": user.first_name, "last_name": user.last_name, "email": user.email}
