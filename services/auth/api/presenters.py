"""Auth's JSON answers: a profile, one's own profile with its pending email change, tokens, a directory
entry, a security event."""
from __future__ import annotations

from sqlalchemy.orm import Session

from services.auth.db.models import SecurityEvent, User
from services.auth.domain.portals import DirectoryView
from services.auth.operations.email_changes import pending_change
from services.auth.operations.sessions import IssuedTokens


def profile(user: User) -> dict:
    return {
        "id": user.id, "username": user.username, "card_number": user.card_number,
        "first_name": user.first_name, "last_name": user.last_name, "email": user.email,
        "roles": list(user.roles), "language": user.language, "must_change_password": user.must_change_password,
        "disabled": user.disabled_at is not None,
    }


def my_profile(session: Session, user: User, **extra) -> dict:
    """The profile, plus ``pending_email`` and its expiry while a change waits for its confirmation."""
    pending = pending_change(session, user.id)
    waiting = {"pending_email": pending.new_email, "pending_email_expires_at": pending.expires_at} if pending else {}
    return {**profile(user), **waiting, **extra}


def tokens(issued: IssuedTokens) -> dict:
    return {"access_token": issued.access_token, "token_type": "Bearer", "expires_in": issued.expires_in,
            "refresh_token": issued.refresh_token, "must_change_password": issued.must_change_password}


def directory_entry(user: User, view: DirectoryView) -> dict:
    return {"id": user.id, "first_name": user.first_name, "last_name": user.last_name,
            "email": view.email_of(user.email, user.roles)}


def security_event(event: SecurityEvent) -> dict:
    return {"id": event.id, "user_id": event.user_id, "kind": event.kind, "outcome": event.outcome,
            "address": event.address, "details": event.details or {}, "occurred_at": event.occurred_at}
