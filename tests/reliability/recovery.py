"""How long the bus took to carry events again after a fault, read from the services' outboxes and inboxes.

For each consumer, after a fault at ``since``:

- ``resumed``: seconds until it applied an event that certainly reached it through the broker as it is after the
  fault, i.e. the earliest of (a) the first event emitted after the fault (its outbox row's ``created_at``): published
  by a relay that reconnected or kept its connection, routed to a queue that has a leader, delivered to a consumer
  that reconnected; (b) the ``prefetch + 1``-th event it applied after the fault: a consumer holds at most
  ``BUS_PREFETCH`` deliveries it was given before, so that one was delivered after; (c) if its process logged a
  broker failure after the fault (``failed_at``), the first event it applied after that line: the consumer drops the
  deliveries it held when it gives its connection up. (Deliveries already on their way when the fault hit are applied
  within milliseconds and prove nothing.)
- ``fresh``: seconds until it applied the first event emitted after the fault: ``resumed`` plus the wait behind the
  events queued before the fault (what a user submitting at the moment of the fault waits for).

For each relay: seconds until it published the first event emitted after the fault.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from tests.reliability.outcome import _rows

PRODUCERS = ("cards", "billing")  # the producers of this flow (auth emits nothing during a scenario)
CONSUMERS = ("cards", "billing", "notifier")


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _after(moment: datetime | None, since: float) -> float | None:
    return None if moment is None else round(moment.timestamp() - since, 2)


def first_published_after(database_urls: dict[str, str], since: float) -> dict[str, float | None]:
    """Producer -> seconds from ``since`` until its relay published an event emitted after ``since`` (None: not yet)."""
    return {producer: _after(_rows(database_urls[producer], "select min(published_at) from outbox "
                                   "where created_at > :since", since=_moment(since))[0][0], since)
            for producer in PRODUCERS}


def consumers_after(database_urls: dict[str, str], since: float, prefetch: int,
                    failed_at: dict[str, float] | None = None) -> dict[str, dict[str, float | None]]:
    """Consumer -> ``{"resumed": seconds, "fresh": seconds}`` after ``since`` (None: not yet); ``failed_at``:
    consumer -> when its process logged its first broker failure after ``since``, if it did."""
    emitted: set[str] = set()
    for producer in PRODUCERS:
        emitted |= {row[0] for row in _rows(database_urls[producer],
                                            "select event_id from outbox where created_at > :since",
                                            since=_moment(since))}
    found = {}
    for consumer in CONSUMERS:
        handled = _rows(database_urls[consumer], "select event_id, handled_at from inbox where handled_at > :since "
                        "order by handled_at, id", since=_moment(since))
        fresh = next((handled_at for event_id, handled_at in handled if event_id in emitted), None)
        beyond_prefetch = handled[prefetch][1] if len(handled) > prefetch else None
        failed = (failed_at or {}).get(consumer)
        reconnected = None if failed is None else next(
            (handled_at for _, handled_at in handled if handled_at.timestamp() > failed), None)
        resumed = min((moment for moment in (fresh, beyond_prefetch, reconnected) if moment is not None), default=None)
        found[consumer] = {"resumed": _after(resumed, since), "fresh": _after(fresh, since)}
    return found


def wait_until_resumed(database_urls: dict[str, str], since: float, prefetch: int, timeout: float,
                       failed_at: Callable[[], dict[str, float]] = dict) -> dict[str, float | None]:
    """Polls until every consumer resumed after ``since`` (or ``timeout`` seconds passed); returns consumer ->
    ``resumed`` seconds (None: not resumed). ``failed_at()`` reads ``consumers_after``'s ``failed_at`` afresh."""
    deadline = time.monotonic() + timeout
    while True:
        resumed = {consumer: figures["resumed"]
                   for consumer, figures in consumers_after(database_urls, since, prefetch, failed_at()).items()}
        if all(seconds is not None for seconds in resumed.values()) or time.monotonic() > deadline:
            return resumed
        time.sleep(1.0)
