"""Throttling the public verification page against enumeration of codes.

Counted per client address (hashed, never stored in clear) in the database, so every gunicorn
worker and every replica share the count. Only misses (unknown codes) count; once a client has
``max_failures`` misses inside the window every lookup gets 429 with Retry-After until it ends.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from chassis.db import Database
from chassis.errors import TooManyRequests
from services.cards.db.models import VerificationThrottle


class Throttle:
    def __init__(self, db: Database, max_failures: int, window_seconds: int):
        self.db, self.max_failures, self.window = db, max_failures, timedelta(seconds=window_seconds)

    def check(self, key: str, now: datetime | None = None) -> None:
        """Raises 429 (with Retry-After) when ``key`` has used up its misses in this window."""
        now = now or datetime.now(UTC)
        with self.db.reading() as session:
            row = session.get(VerificationThrottle, key)
            if row is None or row.failures < self.max_failures:
                return
            ends = _aware(row.window_started_at) + self.window
        if ends > now:
            retry_after = max(1, int((ends - now).total_seconds()) + 1)
            raise TooManyRequests(headers={"Retry-After": str(retry_after)}, extra={"retry_after": retry_after})

    def record_failure(self, key: str, now: datetime | None = None) -> None:
        now = now or datetime.now(UTC)
        for _ in range(3):  # two workers may insert the same key at once: then update
            try:
                with self.db.transaction() as session:
                    counted = session.execute(
                        update(VerificationThrottle)
                        .where(VerificationThrottle.client_key == key,
                               VerificationThrottle.window_started_at > now - self.window)
                        .values(failures=VerificationThrottle.failures + 1)).rowcount
                    if counted:
                        return
                    restarted = session.execute(
                        update(VerificationThrottle).where(VerificationThrottle.client_key == key)
                        .values(failures=1, window_started_at=now)).rowcount
                    if not restarted:
                        # a new client: also forget the clients whose window ended long ago
                        session.execute(delete(VerificationThrottle).where(
                            VerificationThrottle.window_started_at < now - 2 * self.window))
                        session.add(VerificationThrottle(client_key=key, window_started_at=now, failures=1))
                return
            except IntegrityError:
                continue


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
