"""Brute-force throttling state in auth's database (shared by every gunicorn worker and the
embedded stack; no Redis). Two scopes:

- ``account``: one account (the user id, or the typed login when no such account exists, so both
  behave alike) *from one client address*. Keying the account lockout by address too means that
  someone guessing from elsewhere locks only themselves out: the real user, from their own
  address, is never locked out by an attacker, however long the attack goes on.
- ``address``: the client address across every account, against one address guessing many.

Failures are recorded in their own transaction: they count even though the login fails.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from chassis.db import Database
from services.auth.db.models import LoginThrottle
from services.auth.db.types import utcnow
from services.auth.domain.lockout import LockoutPolicy, retry_after_seconds

ACCOUNT = "account"
ADDRESS = "address"


@dataclass(frozen=True)
class Subject:
    scope: str
    key: str
    policy: LockoutPolicy


class Throttle:
    def __init__(self, db: Database, account_policy: LockoutPolicy, address_policy: LockoutPolicy):
        self.db = db
        self.account_policy = account_policy
        self.address_policy = address_policy

    def subjects(self, account_key: str, address: str) -> list[Subject]:
        return [Subject(ACCOUNT, _account_key(account_key, address), self.account_policy),
                Subject(ADDRESS, address[:320], self.address_policy)]

    def retry_after(self, subjects: list[Subject], now: datetime | None = None) -> int | None:
        """Seconds until every lockout on these subjects has ended; None when none is locked."""
        now = now or utcnow()
        waits = []
        with self.db.reading() as session:
            for subject in subjects:
                row = session.get(LoginThrottle, (subject.scope, subject.key))
                if row is not None and row.locked_until is not None and row.locked_until > now:
                    waits.append(retry_after_seconds(row.locked_until, now))
        return max(waits) if waits else None

    def record_failure(self, subjects: list[Subject]) -> None:
        for _attempt in range(3):
            try:
                with self.db.transaction() as session:
                    now = utcnow()
                    for subject in subjects:
                        self._fail(session, subject, now)
                return
            except IntegrityError:  # another worker created the row first: count again on it
                continue

    @staticmethod
    def _fail(session, subject: Subject, now: datetime) -> None:
        policy = subject.policy
        row = session.scalars(select(LoginThrottle).where(LoginThrottle.scope == subject.scope,
                                                          LoginThrottle.key == subject.key)
                              .with_for_update()).first()
        if row is None:
            row = LoginThrottle(scope=subject.scope, key=subject.key, failures=0, lockouts=0)
            session.add(row)
        if policy.forget_lockouts(row.last_failure_at, now):
            row.lockouts = 0
        if policy.window_expired(row.first_failure_at, now):
            row.failures, row.first_failure_at = 0, now
        row.failures += 1
        row.last_failure_at = now
        if row.failures >= policy.max_failures:
            row.lockouts += 1
            row.locked_until = now + timedelta(seconds=policy.lockout_seconds(row.lockouts))
            row.failures, row.first_failure_at = 0, None
        session.flush()

    def record_success(self, account_key: str, address: str) -> None:
        """A correct password clears the account's failures from that address (not the address's:
        one good account must not let an address keep guessing others)."""
        with self.db.transaction() as session:
            session.execute(delete(LoginThrottle).where(LoginThrottle.scope == ACCOUNT,
                                                        LoginThrottle.key == _account_key(account_key, address)))


def _account_key(account_key: str, address: str) -> str:
    return f"{account_key[:200]}@{address[:119]}"
