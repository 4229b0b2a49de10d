"""Auth's part of a person's data export (Law 25): the account, its security trail, its email changes and
its sessions; never a password hash nor a token. A trainee without an account has nothing here."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from chassis.privacy_export import Rows, Subject, export_handlers
from services.auth.db.models import EmailChange, RefreshToken, SecurityEvent, User


def collect(session: Session, subject: Subject) -> dict[str, Rows]:
    user = session.get(User, subject.user_id) if subject.is_account else None
    if user is None:
        return {}
    return {
        "account": [{"user_id": user.id, "email": user.email, "first_name": user.first_name,
                     "last_name": user.last_name, "roles": list(user.roles), "username": user.username,
                     "card_number": user.card_number, "language": user.language, "created_at": user.created_at,
                     "updated_at": user.updated_at, "disabled_at": user.disabled_at}],
        "security_events": [
            {"occurred_at": e.occurred_at, "kind": e.kind, "outcome": e.outcome, "address": e.address,
             "details": e.details}
            for e in session.scalars(select(SecurityEvent).where(SecurityEvent.user_id == user.id)
                                     .order_by(SecurityEvent.occurred_at, SecurityEvent.id))],
        "email_changes": [
            {"requested_at": c.requested_at, "old_email": c.old_email, "new_email": c.new_email,
             "confirmed_at": c.confirmed_at, "cancelled_at": c.cancelled_at, "superseded_at": c.superseded_at}
            for c in session.scalars(select(EmailChange).where(EmailChange.user_id == user.id)
                                     .order_by(EmailChange.requested_at))],
        "sessions": [
            {"created_at": t.created_at, "expires_at": t.expires_at, "used_at": t.used_at,
             "revoked_at": t.revoked_at, "remember_me": t.remember_me}
            for t in session.scalars(select(RefreshToken).where(RefreshToken.user_id == user.id)
                                     .order_by(RefreshToken.created_at))],
    }


HANDLERS = export_handlers("auth", collect)
