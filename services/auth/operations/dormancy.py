"""Dormant members' accounts (Law 25 retention): warned, then anonymized.

A member's account neither logged in nor refreshed for ``AUTH_DORMANT_ACCOUNT_YEARS`` is warned by email
(``auth.account_dormancy_warned``); ``AUTH_DORMANT_WARNING_DAYS`` later, if nobody logged in meanwhile (a
login clears the warning), the run anonymizes it (``operations/anonymization.py``).

``plan`` is the one query: the staff preview (``GET /retention/preview``) shows it, and ``run`` applies
exactly what it returns inside the same transaction that locked those rows, so the two cannot disagree.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from chassis.privacy_retention import SYSTEM_ACTOR, years_before
from services.auth import events
from services.auth.config import AuthSettings
from services.auth.db.models import User
from services.auth.db.types import utcnow
from services.auth.domain import roles as R
from services.auth.operations import audit
from services.auth.operations.anonymization import DORMANT, anonymize, erasable

WARN, ANONYMIZE = "warn", "anonymize"


@dataclass
class DormancyPlan:
    to_warn: list[User] = field(default_factory=list)
    to_anonymize: list[User] = field(default_factory=list)


def last_used(user: User) -> datetime:
    return user.last_active_at or user.created_at


def plan(session: Session, settings: AuthSettings, now: datetime, *, lock: bool = False) -> DormancyPlan:
    """The members' accounts the next run warns and anonymizes, oldest use first."""
    used = func.coalesce(User.last_active_at, User.created_at)
    query = (select(User).where(cast(User.roles, String).like(f'%"{R.MEMBER}"%'), User.anonymized_at.is_(None))
             .order_by(used, User.id))
    if lock:
        query = query.with_for_update()
    warn_before = years_before(now, settings.dormant_account_years)
    grace_before = now - timedelta(days=settings.dormant_warning_days)
    result = DormancyPlan()
    for user in session.scalars(query.where(used < warn_before)):
        if not erasable(user):
            continue
        if user.dormancy_warned_at is None:
            result.to_warn.append(user)
        elif user.dormancy_warned_at <= grace_before:
            result.to_anonymize.append(user)
    return result


def anonymize_after(user: User, settings: AuthSettings, now: datetime) -> datetime:
    """When the account's warning (sent, or sent by this run at ``now``) runs out."""
    return (user.dormancy_warned_at or now) + timedelta(days=settings.dormant_warning_days)


def describe(found: DormancyPlan, settings: AuthSettings, now: datetime) -> list[dict]:
    """One row per account of the plan, as the preview shows it and the run reports it."""
    return [{"user_id": user.id, "action": action, "first_name": user.first_name, "last_name": user.last_name,
             "email": user.email, "last_active_at": last_used(user),
             "anonymize_after": anonymize_after(user, settings, now)}
            for action, users in ((WARN, found.to_warn), (ANONYMIZE, found.to_anonymize)) for user in users]


def preview(session: Session, settings: AuthSettings, now: datetime | None = None) -> list[dict]:
    now = now or utcnow()
    return describe(plan(session, settings, now), settings, now)


def run(session: Session, settings: AuthSettings, now: datetime | None = None) -> list[dict]:
    """Applies the plan in the caller's transaction: one warning event, or one anonymization, per account;
    each audited. Returns the rows of what it did, as ``preview`` showed them before."""
    now = now or utcnow()
    done = plan(session, settings, now, lock=True)
    rows = describe(done, settings, now)
    for user in done.to_warn:
        user.dormancy_warned_at = now
        events.emit(session, events.ACCOUNT_DORMANCY_WARNED, {
            **events.user_payload(user), "last_active_at": last_used(user).isoformat(),
            "anonymize_after": anonymize_after(user, settings, now).isoformat()})
        audit.record(session, SYSTEM_ACTOR, "dormancy_warned", subject_user_id=user.id,
                     last_active_at=last_used(user).isoformat())
    for user in done.to_anonymize:
        anonymize(session, user, DORMANT, SYSTEM_ACTOR, now)
    return rows

