"""Brute-force throttling state in auth's database (shared by every gunicorn worker and the
embedded stack; no Redis). Three scopes:

- ``account``: one account (the user id, or the typed login when no such account exists, so both
  behave alike) *from one client address*: a few failures lock that pair out for a while (lockouts
  doubling up to a bound). Someone guessing from elsewhere locks only themselves out.
- ``address``: the client address across every account, against one address guessing many.
- ``account_any``: one account from *every* address together, so that changing address (a botnet,
  or forged forwarding headers) escapes nothing: after ``account_delay_after_failures`` failures,
  each further attempt waits 2, 4, 8 ... seconds, up to ``account_delay_max_seconds``. A growing
  delay, never a lock: and the addresses the owner recently logged in from are spared it (they keep
  only their own ``account`` lockout), so an attacker cannot use it to keep the owner out.

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
from services.auth.domain.lockout import GrowingDelayPolicy, LockoutPolicy, retry_after_seconds

ACCOUNT = "account"
ADDRESS = "address"
ACCOUNT_ANY = "account_any"


@dataclass(frozen=True)
class Lockout:
    """A lockout (or delay) that a failure just started, for the security trail."""
    scope: str
    seconds: int


@dataclass(frozen=True)
class Subject:
    scope: str
    key: str
    policy: LockoutPolicy | GrowingDelayPolicy


class Throttle:
    def __init__(self, db: Database, account_policy: LockoutPolicy, address_policy: LockoutPolicy,
                 account_any_policy: GrowingDelayPolicy | None = None):
        self.db = db
        self.account_policy = account_policy
        self.address_policy = address_policy
        self.account_any_policy = account_any_policy

    def subjects(self, account_key: str, address: str, known_address: bool = False) -> list[Subject]:
        """``known_address``: the owner logged in from there recently (spared the account-wide delay)."""
        subjects = [Subject(ACCOUNT, _account_key(account_key, address), self.account_policy),
                    Subject(ADDRESS, address[:320], self.address_policy)]
        if self.account_any_policy is not None and not known_address:
            subjects.append(Subject(ACCOUNT_ANY, account_key[:320], self.account_any_policy))
        return subjects

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

    def record_failure(self, subjects: list[Subject]) -> list[Lockout]:
        """Counts one failure on every subject; returns the lockouts (or delays) it started."""
        for _attempt in range(3):
            try:
                with self.db.transaction() as session:
                    now = utcnow()
                    started = [self._fail(session, subject, now) for subject in subjects]
                return [lockout for lockout in started if lockout is not None]
            except IntegrityError:  # another worker created the row first: count again on it
                continue
        return []

    @staticmethod
    def _fail(session, subject: Subject, now: datetime) -> Lockout | None:
        policy = subject.policy
        row = session.scalars(select(LoginThrottle).where(LoginThrottle.scope == subject.scope,
                                                          LoginThrottle.key == subject.key)
                              .with_for_update()).first()
        if row is None:
            row = LoginThrottle(scope=subject.scope, key=subject.key, failures=0, lockouts=0)
            session.add(row)
        if isinstance(policy, GrowingDelayPolicy):
            return Throttle._delay(session, row, policy, subject.scope, now)
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
            return Lockout(subject.scope, policy.lockout_seconds(row.lockouts))
        session.flush()
        return None

    @staticmethod
    def _delay(session, row: LoginThrottle, policy: GrowingDelayPolicy, scope: str, now: datetime) -> Lockout | None:
        if policy.forgotten(row.last_failure_at, now):
            row.failures, row.lockouts, row.first_failure_at = 0, 0, now
        row.failures += 1
        row.last_failure_at = now
        seconds = policy.delay_seconds(row.failures)
        row.locked_until = now + timedelta(seconds=seconds) if seconds else None
        if seconds:
            row.lockouts += 1
        session.flush()
        return Lockout(scope, seconds) if seconds else None

    def record_success(self, account_key: str, address: str) -> None:
        """A correct password clears the account's failures from that address and its account-wide
        count (not the address's: one good account must not let an address keep guessing others)."""
        with self.db.transaction() as session:
            session.execute(delete(LoginThrottle).where(LoginThrottle.scope == ACCOUNT,
                                                        LoginThrottle.key == _account_key(account_key, address)))
            session.execute(delete(LoginThrottle).where(LoginThrottle.scope == ACCOUNT_ANY,
                                                        LoginThrottle.key == account_key[:320]))


def _account_key(account_key: str, address: str) -> str:
    return f"{account_key[:200]}@{address[:119]}"
