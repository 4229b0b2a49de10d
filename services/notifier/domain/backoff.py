"""When to try again: exponential backoff with a ceiling."""
from __future__ import annotations

from datetime import datetime, timedelta


def retry_delay_seconds(attempts: int, base: float, ceiling: float) -> float:
    """Wait after the ``attempts``-th failed attempt (1, 2, ...): base, 2*base, 4*base, ... capped at ``ceiling``."""
    if attempts < 1:
        return 0.0
    return min(base * (2 ** min(attempts - 1, 30)), ceiling)


def next_attempt_at(now: datetime, attempts: int, base: float, ceiling: float) -> datetime:
    return now + timedelta(seconds=retry_delay_seconds(attempts, base, ceiling))
