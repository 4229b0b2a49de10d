"""Changing a password (C3) and forgot-password (C2, P2)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from chassis.errors import ValidationFailed
from chassis.i18n import N_
from chassis.logging import get_logger
from services.auth import events
from services.auth.db.models import RefreshToken, User
from services.auth.db.types import utcnow
from services.auth.domain.passwords import (
    generate_temporary_password,
    hash_password,
    spend_equivalent_time,
    verify_password,
)
from services.auth.operations import security_events as trail
from services.auth.operations.context import AuthContext
from services.auth.operations.sessions import (
    check_not_throttled,
    find_by_email,
    find_trainer,
    record_failed_attempt,
    revoke_other_sessions,
    temporary_password_valid,
)
from services.auth.operations.users import issue_temporary_password, new_password_problem

WRONG_OLD_PASSWORD = N_("L'ancien mot de passe est incorrect.")
SAME_PASSWORD = N_("Le nouveau mot de passe doit être différent de l'ancien.")


def change_password(ctx: AuthContext, user_id: str, session_id: str | None, old_password: str,
                    new_password: str, address: str) -> None:
    """Checks the old password (the permanent one, or the temporary one of this change), sets the
    new one, ends the user's other sessions. Wrong old passwords count as failed logins."""
    subjects = check_not_throttled(ctx, user_id, trail.PASSWORD_CHANGED, address)
    with ctx.db.reading() as session:
        user = session.get(User, user_id)
        now = utcnow()
        ok = user is not None and (
            verify_password(user.password_hash, old_password)
            or (temporary_password_valid(user, now, allow_used=True)
                and verify_password(user.temp_password_hash, old_password)))
        guessable = ok and new_password_problem(new_password, user)
    if not ok:
        record_failed_attempt(ctx, subjects, user_id, trail.PASSWORD_CHANGED, address)
        raise ValidationFailed(fields={"old_password": [WRONG_OLD_PASSWORD]})
    if new_password == old_password:
        raise ValidationFailed(fields={"new_password": [SAME_PASSWORD]})
    if guessable:  # the same check as at registration, for a change and for the one ending a reset
        raise ValidationFailed(fields={"new_password": [guessable]})
    new_hash = hash_password(new_password)
    with ctx.db.transaction() as session:
        user = session.get(User, user_id, with_for_update=True)
        now = utcnow()
        user.password_hash = new_hash
        user.must_change_password = False
        user.temp_password_hash = user.temp_password_expires_at = user.temp_password_used_at = None
        user.updated_at = now
        revoke_other_sessions(session, user.id, session_id, now)
        if session_id:  # the session that changed it goes on, unrestricted
            session.execute(update(RefreshToken).where(RefreshToken.family_id == session_id)
                            .values(password_change_required=False))
        trail.record_security_event(session, user.id, trail.PASSWORD_CHANGED, trail.SUCCESS, address,
                                    {"other_sessions_ended": True})
    ctx.throttle.record_success(f"user:{user_id}", address)


def _find_for_reset(session: Session, card_number: str | None, email: str | None) -> User | None:
    return find_by_email(session, email) if email else find_trainer(session, (card_number or "").strip())


def request_reset(ctx: AuthContext, card_number: str | None, email: str | None, address: str | None = None) -> None:
    """Issues a one-time temporary password (hashed here, sent by the notifier through the
    sensitive ``auth.password_reset_requested`` event). Says nothing about whether the account
    exists: the caller always answers 202 with the same body, after about the same time. The
    current password keeps working until the temporary one is used, so a stranger's request
    cannot lock anyone out. A second request within the cooldown is silently ignored."""
    temporary = generate_temporary_password()
    with ctx.db.transaction() as session:
        user = _find_for_reset(session, card_number, email)
        now = utcnow()
        cooldown = timedelta(seconds=ctx.settings.reset_cooldown_seconds)
        if user is None or (user.temp_password_issued_at is not None
                            and now - user.temp_password_issued_at < cooldown):
            spend_equivalent_time(temporary)
            return
        issue_temporary_password(user, hash_password(temporary), now,
                                 timedelta(minutes=ctx.settings.reset_password_ttl_minutes))
        events.emit(session, events.PASSWORD_RESET_REQUESTED,
                    {**events.user_payload(user), "temporary_password": temporary,
                     "expires_at": user.temp_password_expires_at.isoformat()}, sensitive=True)
        trail.record_security_event(session, user.id, trail.PASSWORD_RESET_REQUESTED, trail.SUCCESS, address,
                                    {"by": "email" if email else "card_number"})
        get_logger("auth").info("password_reset_issued", user_id=user.id)  # never the password itself
