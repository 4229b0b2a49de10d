"""The security trail (issue 17, item 7): who, what, when, from where, with what outcome.

``record_security_event`` adds one row in the caller's transaction (so a change and its trace commit
together); events about a refused attempt are recorded in a transaction of their own by the caller,
since the attempt itself writes nothing. Each write also deletes a bounded batch of rows older than
``AUTH_SECURITY_EVENTS_KEEP_DAYS`` (365): the trail keeps one year without a separate job, and a
write never does more than a small indexed delete.

``details`` never holds a password or a link token.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from services.auth.db.models import SecurityEvent
from services.auth.db.types import utcnow

# kinds
LOGIN = "login"                                        # outcome: success, failure, throttled
LOGIN_LOCKOUT = "login_lockout"                        # outcome: locked (details: scope, seconds)
EMAIL_CHANGE_REQUESTED = "email_change_requested"      # outcome: success, failure (wrong password), throttled
EMAIL_CHANGE_CONFIRMED = "email_change_confirmed"      # outcome: success, conflict (address taken meanwhile)
EMAIL_CHANGE_CANCELLED = "email_change_cancelled"      # outcome: success ("this was not me")
PASSWORD_CHANGED = "password_changed"                  # outcome: success, failure (wrong old password), throttled
PASSWORD_RESET_REQUESTED = "password_reset_requested"  # outcome: success
REFRESH_TOKEN_REUSE = "refresh_token_reuse"            # outcome: revoked (the whole session)
ACCOUNT_DISABLED = "account_disabled"                  # outcome: success (details: by)
ACCOUNT_ENABLED = "account_enabled"                    # outcome: success (details: by)

# outcomes
SUCCESS, FAILURE, THROTTLED, LOCKED, REVOKED, CONFLICT = (
    "success", "failure", "throttled", "locked", "revoked", "conflict")

KEEP_DAYS = 365
PURGE_BATCH = 100
_keep_days = KEEP_DAYS


def configure(keep_days: int) -> None:
    """``AUTH_SECURITY_EVENTS_KEEP_DAYS``, set once when the auth context is built."""
    global _keep_days
    _keep_days = max(1, int(keep_days))


def record_security_event(session: Session, user_id: str | None, kind: str, outcome: str, address: str | None,
                          details: dict | None = None, *, now: datetime | None = None,
                          keep_days: int | None = None) -> None:
    """Adds one event in ``session``'s transaction and purges a bounded batch of expired ones."""
    now = now or utcnow()
    session.add(SecurityEvent(user_id=user_id, kind=kind[:40], outcome=outcome[:20],
                              address=(address or None) and address[:64], details=dict(details or {}),
                              occurred_at=now))
    purge_expired(session, now - timedelta(days=keep_days or _keep_days), PURGE_BATCH)


def purge_expired(session: Session, before: datetime, batch: int) -> int:
    """Deletes at most ``batch`` events older than ``before`` (oldest first); returns how many."""
    oldest = select(SecurityEvent.id).where(SecurityEvent.occurred_at < before).order_by(SecurityEvent.id).limit(batch)
    ids = list(session.scalars(oldest))
    if not ids:
        return 0
    session.execute(delete(SecurityEvent).where(SecurityEvent.id.in_(ids)))
    return len(ids)


THROTTLED_EVERY_SECONDS = 60


def record_apart(db, user_id: str | None, kind: str, outcome: str, address: str | None,
                 details: dict | None = None) -> None:
    """For a refused attempt, which writes nothing else: its own short transaction. A throttled
    attempt costs an attacker nothing (no password is checked), so it is traced at most once a
    minute per account (or typed login) and address: a flood cannot fill the table."""
    with db.transaction() as session:
        if outcome == THROTTLED and _recently(session, user_id, kind, outcome, address, details):
            return
        record_security_event(session, user_id, kind, outcome, address, details)


def _recently(session: Session, user_id: str | None, kind: str, outcome: str, address: str | None,
              details: dict | None) -> bool:
    since = utcnow() - timedelta(seconds=THROTTLED_EVERY_SECONDS)
    rows = session.scalars(select(SecurityEvent).where(
        SecurityEvent.user_id.is_(None) if user_id is None else SecurityEvent.user_id == user_id,
        SecurityEvent.occurred_at >= since, SecurityEvent.kind == kind, SecurityEvent.outcome == outcome,
        SecurityEvent.address == (address or "")[:64]).order_by(SecurityEvent.id.desc()).limit(50))
    login = (details or {}).get("login")
    return any(user_id is not None or (row.details or {}).get("login") == login for row in rows)


def known_address(session: Session, user_id: str, address: str, days: int, now: datetime | None = None) -> bool:
    """Did this account log in successfully from this address within ``days``?"""
    since = (now or utcnow()) - timedelta(days=days)
    return session.scalar(select(SecurityEvent.id).where(
        SecurityEvent.user_id == user_id, SecurityEvent.occurred_at >= since, SecurityEvent.kind == LOGIN,
        SecurityEvent.outcome == SUCCESS, SecurityEvent.address == address[:64]).limit(1)) is not None


def list_for_user(session: Session, user_id: str, limit: int, offset: int) -> tuple[list[SecurityEvent], int]:
    """Newest first."""
    total = session.scalar(select(func.count()).select_from(SecurityEvent).where(SecurityEvent.user_id == user_id))
    rows = session.scalars(select(SecurityEvent).where(SecurityEvent.user_id == user_id)
                           .order_by(SecurityEvent.occurred_at.desc(), SecurityEvent.id.desc())
                           .limit(limit).offset(offset)).all()
    return list(rows), int(total or 0)
