"""Brute-force throttling rules, without a database: how long a lockout lasts.

Every ``max_failures`` failures inside the window lock the account (or address) out; the n-th
lockout in a row lasts ``base * 2**(n-1)`` seconds, never more than ``maximum``. So a lockout is
always temporary: when it ends, a correct password works again, and a success resets everything.
The account-wide count (``GrowingDelayPolicy``) never locks: it only makes each further attempt wait longer.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int
    window_seconds: int
    base_seconds: int
    max_seconds: int

    def lockout_seconds(self, lockout_number: int) -> int:
        """Duration of the ``lockout_number``-th consecutive lockout (1, 2, ...)."""
        exponent = min(max(lockout_number, 1) - 1, 30)
        return min(self.base_seconds * (2 ** exponent), self.max_seconds)

    def window_expired(self, first_failure_at: datetime | None, now: datetime) -> bool:
        return first_failure_at is None or now - first_failure_at > timedelta(seconds=self.window_seconds)

    def forget_lockouts(self, last_failure_at: datetime | None, now: datetime) -> bool:
        """After a quiet day, past lockouts no longer make the next one longer."""
        return last_failure_at is None or now - last_failure_at > timedelta(days=1)


@dataclass(frozen=True)
class GrowingDelayPolicy:
    """After ``free_failures`` failures, failure number ``free_failures + k - 1`` makes the next
    attempt wait ``2**k`` seconds (k = 1, 2, ...), never more than ``max_seconds``. The count is
    forgotten after ``quiet_seconds`` without a failure."""
    free_failures: int
    max_seconds: int
    quiet_seconds: int

    def delay_seconds(self, failures: int) -> int:
        if failures < self.free_failures:
            return 0
        return min(2 ** min(failures - self.free_failures + 1, 30), self.max_seconds)

    def forgotten(self, last_failure_at: datetime | None, now: datetime) -> bool:
        return last_failure_at is None or now - last_failure_at > timedelta(seconds=self.quiet_seconds)


def retry_after_seconds(locked_until: datetime, now: datetime) -> int:
    return max(1, math.ceil((locked_until - now).total_seconds()))
