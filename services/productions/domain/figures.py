"""The staff figures of the AQPM portal (issue 23), from the counts the database made: every month present."""
from __future__ import annotations

HOUSE_STATUSES = ("active", "inactive")


def by_month(months: list[str], sheets: dict[str, int], handoffs: dict[str, int],
             active_houses: dict[str, int]) -> list[dict]:
    return [{"month": month, "sheets": sheets.get(month, 0), "handoffs": handoffs.get(month, 0),
             "active_houses": active_houses.get(month, 0)} for month in months]


def houses(counts: dict[str, int]) -> dict:
    return {status: counts.get(status, 0) for status in HOUSE_STATUSES}
