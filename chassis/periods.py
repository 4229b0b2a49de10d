"""A period of whole months on Montréal's calendar, as the staff figures take it (``?from=YYYY-MM&to=YYYY-MM``).

Every service groups its own rows by month with ``month_bucket``: a SQL ``CASE`` over the month boundaries,
computed here in Python (Montréal midnight, daylight saving included, turned into UTC), so that the same
statement counts the same months on PostgreSQL and on SQLite, which share no date function.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, case

from chassis.i18n import MONTREAL

DEFAULT_MONTHS = 12
MAX_MONTHS = 36
FIRST_YEAR, LAST_YEAR = 2000, 2099


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(first_of_month: date, count: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> int:
    """How many months from ``first``'s to ``last``'s, both counted (0 or less when ``last`` comes first)."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def month_label(first_of_month: date) -> str:
    return f"{first_of_month.year:04d}-{first_of_month.month:02d}"


def montreal_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=MONTREAL).astimezone(UTC)


def this_month(now: datetime | None = None) -> date:
    return month_start((now or datetime.now(UTC)).astimezone(MONTREAL).date())


@dataclass(frozen=True)
class Period:
    """From the first day of ``first``'s month to the last day of ``last``'s month, both included."""
    first: date
    last: date

    @classmethod
    def default(cls, now: datetime | None = None) -> Period:
        """The last 12 months, the current one (in Montréal) included."""
        last = this_month(now)
        return cls(add_months(last, 1 - DEFAULT_MONTHS), last)

    @property
    def month_starts(self) -> list[date]:
        return [add_months(self.first, n) for n in range(months_between(self.first, self.last))]

    @property
    def months(self) -> list[str]:
        return [month_label(start) for start in self.month_starts]

    @property
    def end(self) -> date:
        """The day after the period (exclusive bound)."""
        return add_months(self.last, 1)

    def as_dict(self) -> dict:
        return {"from": month_label(self.first), "to": month_label(self.last), "months": self.months}

    def contains(self, column, *, dates: bool = False) -> ColumnElement[bool]:
        """``column`` (a UTC moment, or a calendar date with ``dates``) falls inside the period."""
        start, end = (self.first, self.end) if dates else (montreal_midnight_utc(self.first),
                                                           montreal_midnight_utc(self.end))
        return and_(column >= start, column < end)

    def month_bucket(self, column, *, dates: bool = False) -> ColumnElement[str]:
        """``'YYYY-MM'``, the Montréal month of ``column`` (NULL outside the period); filter with ``contains``."""
        bounds = [add_months(start, 1) for start in self.month_starts]
        return case(*[(column < (bound if dates else montreal_midnight_utc(bound)), month_label(start))
                      for start, bound in zip(self.month_starts, bounds, strict=True)], else_=None)


def local_day(moment: datetime) -> date:
    """The Montréal date of a stored moment (SQLite hands back naive datetimes: they were stored as UTC)."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return aware.astimezone(MONTREAL).date()


def days_between(start: datetime, end: datetime) -> float:
    """Elapsed days between two stored moments, naive (SQLite, UTC) or aware alike."""
    start = start.replace(tzinfo=UTC) if start.tzinfo is None else start
    end = end.replace(tzinfo=UTC) if end.tzinfo is None else end
    return (end - start) / timedelta(days=1)
