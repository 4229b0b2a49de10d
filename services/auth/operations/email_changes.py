"""Changing one's email address safely (issue 17, item 2).

A stolen access token must not be enough to take an account over. So:

1. ``request_change`` (``PATCH /me`` with ``email`` and ``current_password``): the current password
   is checked like a login (a wrong one counts as a failed login, and throttling applies); the login
   stays the old address. A single-use link valid ``AUTH_EMAIL_CHANGE_TTL_HOURS`` (24 h) goes to the
   new address, and the old address is told at once, with a single-use "this was not me" link
   (``AUTH_EMAIL_CHANGE_CANCEL_DAYS``, 7 days). Both through ``auth.email_change_requested``
   (sensitive: it carries the two link tokens; auth keeps only their SHA-256).
2. ``confirm`` (``POST /email-change/confirm``): the new address becomes the login.
3. ``cancel`` (``POST /email-change/cancel``): whoever asked knew the password, so it is burnt: the
   change is cancelled (undone if it was already confirmed: the old address is the login again),
   every session ends, the password stops working and a temporary one goes to the old address.
"""
from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from chassis.errors import Conflict, NotFound, ValidationFailed
from chassis.logging import get_logger
from services.auth import events
from services.auth.db.models import EmailChange, RefreshToken, User
from services.auth.db.types import utcnow
from services.auth.domain.passwords import generate_temporary_password, hash_password, verify_password
from services.auth.domain.text import normalize_email
from services.auth.operations import security_events as trail
from services.auth.operations.context import AuthContext
from services.auth.operations.messages import EMAIL_TAKEN, LINK_INVALID, PASSWORD_REQUIRED, WRONG_PASSWORD
from services.auth.operations.sessions import check_not_throttled, record_failed_attempt
from services.auth.operations.users import email_taken, issue_temporary_password, refuse_taken_email


@dataclass(frozen=True)
class PendingChange:
    new_email: str
    expires_at: datetime


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def pending_change(session: Session, user_id: str, now: datetime | None = None) -> PendingChange | None:
    """The change waiting for its confirmation, if any (shown on the profile)."""
    now = now or utcnow()
    row = session.scalars(select(EmailChange).where(
        EmailChange.user_id == user_id, EmailChange.confirmed_at.is_(None), EmailChange.cancelled_at.is_(None),
        EmailChange.superseded_at.is_(None), EmailChange.expires_at > now)
        .order_by(EmailChange.requested_at.desc())).first()
    return PendingChange(row.new_email, row.expires_at) if row is not None else None


def is_change(user: User, new_email: str) -> bool:
    """Another address (not the same one in other capitals)."""
    return normalize_email(new_email) != user.email_key


def request_change(ctx: AuthContext, user_id: str, new_email: str, current_password: str | None,
                   address: str) -> PendingChange:
    """Checks the current password (throttled like a login), then records the pending change and
    emits the event whose emails go to the new address (confirm) and the old one (notice)."""
    kind = trail.EMAIL_CHANGE_REQUESTED
    if not current_password:
        raise ValidationFailed(fields={"current_password": [PASSWORD_REQUIRED]})
    subjects = check_not_throttled(ctx, user_id, kind, address)
    with ctx.db.reading() as session:
        user = session.get(User, user_id)
        ok = user is not None and verify_password(user.password_hash, current_password)
    if not ok:
        record_failed_attempt(ctx, subjects, user_id, kind, address, {"new_email": new_email.strip()[:254]})
        raise ValidationFailed(fields={"current_password": [WRONG_PASSWORD]})
    ctx.throttle.record_success(f"user:{user_id}", address)

    confirm_token, cancel_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with ctx.db.transaction() as session:
        user = session.get(User, user_id, with_for_update=True)
        key = normalize_email(new_email)
        refuse_taken_email(session, key, user.id)
        now = utcnow()
        session.execute(update(EmailChange).where(
            EmailChange.user_id == user.id, EmailChange.confirmed_at.is_(None), EmailChange.cancelled_at.is_(None),
            EmailChange.superseded_at.is_(None)).values(superseded_at=now))
        change = EmailChange(
            id=str(uuid.uuid4()), user_id=user.id, old_email=user.email, new_email=new_email.strip(),
            new_email_key=key, confirm_token_hash=_hash(confirm_token), cancel_token_hash=_hash(cancel_token),
            requested_at=now, expires_at=now + timedelta(hours=ctx.settings.email_change_ttl_hours),
            cancel_expires_at=now + timedelta(days=ctx.settings.email_change_cancel_days))
        session.add(change)
        events.emit(session, events.EMAIL_CHANGE_REQUESTED,
                    {**events.user_payload(user), "new_email": change.new_email,
                     "confirmation_token": confirm_token, "expires_at": change.expires_at.isoformat(),
                     "cancellation_token": cancel_token, "cancel_expires_at": change.cancel_expires_at.isoformat()},
                    sensitive=True)
        trail.record_security_event(session, user.id, kind, trail.SUCCESS, address,
                                    {"old_email": change.old_email, "new_email": change.new_email})
        get_logger("auth").info("email_change_requested", user_id=user.id)  # never the tokens
        return PendingChange(change.new_email, change.expires_at)


def confirm(ctx: AuthContext, token: str, address: str) -> User:
    """The link sent to the new address: it becomes the account's email and login."""
    with ctx.db.transaction() as session:
        now = utcnow()
        change = session.scalars(select(EmailChange).where(EmailChange.confirm_token_hash == _hash(token))
                                 .with_for_update()).first()
        if (change is None or change.confirmed_at or change.cancelled_at or change.superseded_at
                or change.expires_at <= now):
            raise NotFound(LINK_INVALID, code="link_invalid")
        user = session.get(User, change.user_id, with_for_update=True)
        if email_taken(session, change.new_email_key, user.id):
            trail.record_security_event(session, user.id, trail.EMAIL_CHANGE_CONFIRMED, trail.CONFLICT, address,
                                        {"new_email": change.new_email})
            raise Conflict(EMAIL_TAKEN, fields={"email": [EMAIL_TAKEN]})
        change.confirmed_at = now
        user.email, user.email_key, user.updated_at = change.new_email, change.new_email_key, now
        session.flush()
        events.emit(session, events.USER_UPDATED, events.user_payload(user))
        trail.record_security_event(session, user.id, trail.EMAIL_CHANGE_CONFIRMED, trail.SUCCESS, address,
                                    {"old_email": change.old_email, "new_email": change.new_email})
        session.expunge(user)
        return user


def cancel(ctx: AuthContext, token: str, address: str) -> None:
    """"This was not me", from the link sent to the old address."""
    temporary = generate_temporary_password()
    temporary_hash = hash_password(temporary)
    with ctx.db.transaction() as session:
        now = utcnow()
        change = session.scalars(select(EmailChange).where(EmailChange.cancel_token_hash == _hash(token))
                                 .with_for_update()).first()
        if change is None or change.cancelled_at or change.cancel_expires_at <= now:
            raise NotFound(LINK_INVALID, code="link_invalid")
        user = session.get(User, change.user_id, with_for_update=True)
        change.cancelled_at = now
        # Every change still waiting, this one's successors included, dies with it.
        session.execute(update(EmailChange).where(
            EmailChange.user_id == user.id, EmailChange.confirmed_at.is_(None), EmailChange.cancelled_at.is_(None))
            .values(cancelled_at=now))
        restored = False
        old_key = normalize_email(change.old_email)
        if user.email_key != old_key and not email_taken(session, old_key, user.id):
            user.email, user.email_key = change.old_email, old_key
            restored = True
        # Whoever asked knew the password: it stops working, every session ends, and a temporary
        # password goes to the (old) address, the one the owner reads.
        user.password_hash = None
        issue_temporary_password(user, temporary_hash, now, timedelta(minutes=ctx.settings.reset_password_ttl_minutes))
        user.must_change_password = False
        user.updated_at = now
        session.execute(update(RefreshToken).where(RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None))
                        .values(revoked_at=now))
        session.flush()
        if restored:
            events.emit(session, events.USER_UPDATED, events.user_payload(user))
        events.emit(session, events.PASSWORD_RESET_REQUESTED,
                    {**events.user_payload(user), "temporary_password": temporary,
                     "expires_at": user.temp_password_expires_at.isoformat(), "password_revoked": True},
                    sensitive=True)
        trail.record_security_event(session, user.id, trail.EMAIL_CHANGE_CANCELLED, trail.SUCCESS, address,
                                    {"old_email": change.old_email, "new_email": change.new_email,
                                     "was_confirmed": change.confirmed_at is not None, "email_restored": restored,
                                     "sessions_ended": True, "password_reset": True})
        trail.record_security_event(session, user.id, trail.PASSWORD_RESET_REQUESTED, trail.SUCCESS, address,
                                    {"reason": "email_change_cancelled"})
