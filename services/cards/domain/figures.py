"""The staff figures of card requests (issue 23), from the rows the database has already counted.

The database groups the requests submitted in the period by (month, activity, status) with their counts;
this module rolls those few rows up into the three views staff read, with every month and every status
present (zero when nothing happened), and takes the median time to shipment.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import median

from services.cards.domain import statuses

# The statuses a submitted request can be in, in the order of its life.
SUBMITTED_STATUSES = (statuses.SUBMITTED, statuses.INVOICED, statuses.PAID, statuses.SHIPPED, statuses.CANCELLED)


@dataclass(frozen=True)
class Group:
    """Requests of one month, activity and (current) status, and the cards (participants) they ask for."""
    month: str
    activity_code: str
    status: str
    requests: int
    cards: int


def by_month(groups: Iterable[Group], months: list[str]) -> list[dict]:
    requests, cards = Counter(), Counter()
    for group in groups:
        requests[group.month] += group.requests
        cards[group.month] += group.cards
    return [{"month": month, "requests": requests[month], "cards": cards[month]} for month in months]


def by_activity(groups: Iterable[Group], labels: dict[str, tuple[str, str | None]]) -> list[dict]:
    """Most requested first; ``labels``: code -> (French label, English label)."""
    requests, cards = Counter(), Counter()
    for group in groups:
        requests[group.activity_code] += group.requests
        cards[group.activity_code] += group.cards
    codes = sorted(requests, key=lambda code: (-requests[code], -cards[code], code))
    return [{"code": code, "label": labels.get(code, (code, None))[0], "label_en": labels.get(code, (code, None))[1],
             "requests": requests[code], "cards": cards[code]} for code in codes]


def by_status(groups: Iterable[Group]) -> list[dict]:
    requests = Counter()
    for group in groups:
        requests[group.status] += group.requests
    return [{"status": status, "requests": requests[status]} for status in SUBMITTED_STATUSES]


def median_days(durations: list[float]) -> float | None:
    """The median, to a tenth of a day; None when nothing was shipped."""
    return round(median(durations), 1) if durations else None
