"""UTC for storage, America/Montreal for what people call "today" (and the invoice year)."""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

MONTREAL = ZoneInfo("America/Montreal")


def utc_now() -> datetime:
    return datetime.now(UTC)


def montreal_today() -> date:
    return datetime.now(MONTREAL).date()


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes: they were stored as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def local_date(value: datetime) -> date:
    return as_utc(value).astimezone(MONTREAL).date()
