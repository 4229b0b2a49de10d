"""Logging in, refreshing and logging out.

Access tokens: RS256, ``sub`` (user id), ``roles``, ``exp``, ``iat``, ``jti``, ``iss``, ``aud``,
``sid`` (the refresh-token family, i.e. the session) and, in a session opened with a temporary
password, ``pwd_change_required: true`` (only ``GET /me`` and ``POST /me/password`` accept such a
token). That restriction belongs to the session (``RefreshToken.password_change_required``), never
to the account: a login with the real password is not restricted, and it ends the pending change
(the temporary password stops working, the temporary-password sessions are closed).

Refresh tokens: 32 random bytes, stored as SHA-256, rotated on each use; presenting an already
rotated token revokes its whole family (someone copied it). Remember me: 30 days, else 12 hours.
"""
from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from chassis.account_status import ACCOUNT_DISABLED
from chassis.errors import Forbidden, TooManyRequests, Unauthorized
from services.auth.db.models import RefreshToken, User
from services.auth.db.types import utcnow
from services.auth.domain.activity import touch as dormancy_touch
from services.auth.domain.passwords import verify_password
from services.auth.domain.text import normalize_email
from services.auth.domain.usernames import is_card_number, normalize_card_number, username_for_login
from services.auth.operations import security_events as trail
from services.auth.operations.context import AuthContext
from services.auth.operations.messages import INVALID_CREDENTIALS, INVALID_REFRESH


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    expires_in: int
    refresh_token: str
    must_change_password: bool


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email_key == normalize_email(email))).first()


def find_trainer(session: Session, text: str) -> User | None:
    """By full card number (exact), or by username (``ethc123``)."""
    if is_card_number(text):
        return session.scalars(select(User).where(User.card_number == normalize_card_number(text))).first()
    username = username_for_login(text)
    if username is None:
        return None
    return session.scalars(select(User).where(User.username == username)).first()


def find_by_login(session: Session, login: str) -> User | None:
    """A login is an email, a trainer username, or a trainer's full card number."""
    text = login.strip()
    return find_by_email(session, text) if "@" in text else find_trainer(session, text)


def _hash_refresh(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def temporary_password_valid(user: User, now: datetime, *, allow_used: bool = False) -> bool:
    return (user.temp_password_hash is not None and user.temp_password_expires_at is not None
            and user.temp_password_expires_at > now and (allow_used or user.temp_password_used_at is None))


def _new_refresh_token(session: Session, ctx: AuthContext, user: User, family_id: str, remember_me: bool,
                       password_change_required: bool, now: datetime) -> str:
    raw = secrets.token_urlsafe(32)
    ttl = (timedelta(days=ctx.settings.remember_me_ttl_days) if remember_me
           else timedelta(hours=ctx.settings.refresh_ttl_hours))
    session.add(RefreshToken(id=str(uuid.uuid4()), user_id=user.id, family_id=family_id,
                             token_hash=_hash_refresh(raw), remember_me=remember_me,
                             password_change_required=password_change_required, created_at=now,
                             expires_at=now + ttl))
    return raw


def _access_token(ctx: AuthContext, user: User, family_id: str, password_change_required: bool,
                  now: datetime) -> str:
    issued_at = int(now.timestamp())
    claims = {"sub": user.id, "roles": list(user.roles), "iat": issued_at,
              "exp": issued_at + ctx.settings.access_token_ttl, "jti": uuid.uuid4().hex,
              "iss": ctx.config.token_issuer, "aud": ctx.config.token_audience, "sid": family_id}
    if password_change_required:
        claims["pwd_change_required"] = True
    return ctx.keys.sign(claims)


def _issue(session: Session, ctx: AuthContext, user: User, family_id: str, remember_me: bool,
           password_change_required: bool, now: datetime) -> IssuedTokens:
    refresh = _new_refresh_token(session, ctx, user, family_id, remember_me, password_change_required, now)
    return IssuedTokens(_access_token(ctx, user, family_id, password_change_required, now),
                        ctx.settings.access_token_ttl, refresh, password_change_required)


def account_key(user: User | None, login: str) -> str:
    """The throttling key of an account; an unknown login is throttled exactly like a real one."""
    return f"user:{user.id}" if user is not None else f"login:{login.strip().lower()}"


def login(ctx: AuthContext, login_text: str, password: str, remember_me: bool, address: str) -> IssuedTokens:
    with ctx.db.reading() as session:
        user = find_by_login(session, login_text)
        if user is not None:
            session.expunge(user)  # keep its loaded columns after the read-only session ends
        known = user is not None and trail.known_address(session, user.id, address, ctx.settings.known_address_days)
    key = account_key(user, login_text)
    who = user.id if user is not None else None
    # A login naming no account is traced with what was typed (never the password).
    about = {} if user is not None else {"login": login_text.strip()[:254]}
    subjects = ctx.throttle.subjects(key, address, known_address=known)
    wait = ctx.throttle.retry_after(subjects)
    if wait is not None:
        trail.record_apart(ctx.db, who, trail.LOGIN, trail.THROTTLED, address, {**about, "retry_after": wait})
        raise TooManyRequests(headers={"Retry-After": str(wait)})

    now = utcnow()
    # Two verifications on every attempt (password, temporary password), real or dummy: the time
    # taken says nothing about whether the account exists or has a pending temporary password.
    password_ok = verify_password(user.password_hash if user else None, password)
    temporary_ok = verify_password(
        user.temp_password_hash if user is not None and temporary_password_valid(user, now) else None, password)
    if user is None or not (password_ok or temporary_ok):
        record_failed_attempt(ctx, subjects, who, trail.LOGIN, address, about)
        raise Unauthorized(INVALID_CREDENTIALS, code="invalid_credentials")

    if user.disabled_at is not None:  # after the right password only: a stranger learns nothing
        raise Forbidden(ACCOUNT_DISABLED, code="account_disabled")
    ctx.throttle.record_success(key, address)
    with ctx.db.transaction() as session:
        user = session.get(User, user.id, with_for_update=True)
        if not password_ok:
            if not temporary_password_valid(user, now):  # used by a concurrent login meanwhile
                raise Unauthorized(INVALID_CREDENTIALS, code="invalid_credentials")
            user.temp_password_used_at = now
            user.must_change_password = True
        else:
            end_pending_change(session, user, now)
        dormancy_touch(user, now)
        tokens = _issue(session, ctx, user, str(uuid.uuid4()), remember_me, not password_ok, now)
        # After signing: the key store may write its first key in a transaction of its own (SQLite
        # allows one writer at a time).
        trail.record_security_event(session, user.id, trail.LOGIN, trail.SUCCESS, address,
                                    {"temporary_password": not password_ok, "remember_me": bool(remember_me)})
        return tokens


def record_failed_attempt(ctx: AuthContext, subjects, user_id: str | None, kind: str, address: str,
                          details: dict | None = None) -> None:
    """A wrong password (at login, or given to change the password or the email): counted by the
    throttle, and traced with the lockout or delay it started, if any."""
    started = ctx.throttle.record_failure(subjects)
    with ctx.db.transaction() as session:
        trail.record_security_event(session, user_id, kind, trail.FAILURE, address, details)
        for lockout in started:
            trail.record_security_event(session, user_id, trail.LOGIN_LOCKOUT, trail.LOCKED, address,
                                        {**(details or {}), "scope": lockout.scope, "seconds": lockout.seconds})


def check_not_throttled(ctx: AuthContext, user_id: str, kind: str, address: str):
    """Before checking a password given by a logged-in person: the same throttling as a login.
    Returns the subjects to count a failure on."""
    with ctx.db.reading() as session:
        known = trail.known_address(session, user_id, address, ctx.settings.known_address_days)
    subjects = ctx.throttle.subjects(f"user:{user_id}", address, known_address=known)
    wait = ctx.throttle.retry_after(subjects)
    if wait is not None:
        trail.record_apart(ctx.db, user_id, kind, trail.THROTTLED, address, {"retry_after": wait})
        raise TooManyRequests(headers={"Retry-After": str(wait)})
    return subjects


def end_pending_change(session: Session, user: User, now: datetime) -> None:
    """The real password was given: whoever asked for a temporary one remembers theirs after all.
    The temporary password (used or not) stops working, and the sessions it opened are closed."""
    if user.temp_password_hash is None and not user.must_change_password:
        return
    user.temp_password_hash = user.temp_password_expires_at = user.temp_password_used_at = None
    user.must_change_password = False
    session.execute(update(RefreshToken).where(RefreshToken.user_id == user.id,
                                               RefreshToken.password_change_required.is_(True),
                                               RefreshToken.revoked_at.is_(None)).values(revoked_at=now))


def refresh(ctx: AuthContext, raw_token: str, address: str | None = None) -> IssuedTokens:
    reused = False
    with ctx.db.transaction() as session:
        now = utcnow()
        row = session.scalars(select(RefreshToken).where(RefreshToken.token_hash == _hash_refresh(raw_token))
                              .with_for_update()).first()
        if row is None or row.revoked_at is not None or row.expires_at <= now:
            raise Unauthorized(INVALID_REFRESH, code="invalid_refresh_token")
        if row.used_at is not None:
            revoke_family(session, row.family_id, now)
            trail.record_security_event(session, row.user_id, trail.REFRESH_TOKEN_REUSE, trail.REVOKED, address,
                                        {"session": row.family_id})
            reused = True
        else:
            row.used_at = now
            user = session.get(User, row.user_id)
            if user.disabled_at is not None:  # revoked when disabled; this is the belt to those braces
                raise Unauthorized(INVALID_REFRESH, code="invalid_refresh_token")
            dormancy_touch(user, now)
            tokens = _issue(session, ctx, user, row.family_id, row.remember_me, row.password_change_required, now)
    if reused:  # the revocation is committed; the caller (thief or victim) logs in again
        raise Unauthorized(INVALID_REFRESH, code="invalid_refresh_token")
    return tokens


def revoke_family(session: Session, family_id: str, now: datetime) -> None:
    session.execute(update(RefreshToken).where(RefreshToken.family_id == family_id,
                                               RefreshToken.revoked_at.is_(None)).values(revoked_at=now))


def revoke_other_sessions(session: Session, user_id: str, keep_family_id: str | None, now: datetime) -> None:
    query = update(RefreshToken).where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
    if keep_family_id:
        query = query.where(RefreshToken.family_id != keep_family_id)
    session.execute(query.values(revoked_at=now))


def logout(ctx: AuthContext, raw_token: str) -> None:
    """Ends the session the refresh token belongs to; an unknown token is not an error."""
    with ctx.db.transaction() as session:
        row = session.scalars(select(RefreshToken).where(RefreshToken.token_hash == _hash_refresh(raw_token))).first()
        if row is not None:
            revoke_family(session, row.family_id, utcnow())
