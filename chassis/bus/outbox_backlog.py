"""The outbox backlog, as the relay measures it: how many rows are not sent yet, and how old the oldest is.

- ``guichet_bus_outbox_unsent_events{service}``: rows with no ``published_at``;
- ``guichet_bus_outbox_oldest_unsent_age_seconds{service}``: now minus the oldest unsent row's ``created_at``
  (0 when there is none).

The relay counts them (one query on the unsent rows, through the ``published_at`` index) at most every
``MEASURE_EVERY`` seconds, between its runs, including while the broker is out of reach, when a backlog
builds. The age is worked out when the metrics are read, from the oldest row's time: it keeps growing while
nothing measures (a relay stuck in a call), so an alert on it does not wait for the relay's loop. A scrape
itself never queries the database (the probes of the relay read the same endpoint).
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from prometheus_client import REGISTRY
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from chassis.bus.messages import error_text
from chassis.bus.tables import OutboxMessage
from chassis.db import Database

MEASURE_EVERY = 5.0  # seconds
UNSENT = "guichet_bus_outbox_unsent_events"
OLDEST_AGE = "guichet_bus_outbox_oldest_unsent_age_seconds"

_outbox = OutboxMessage.__table__
_MEASURE = select(func.count(), func.min(_outbox.c.created_at)).where(_outbox.c.published_at.is_(None))


class _BacklogCollector:
    """The last measure of each service's outbox in this process, read at each scrape."""

    def __init__(self):
        self._lock = threading.Lock()
        self._measures: dict[str, tuple[int, float | None]] = {}

    def record(self, service: str, unsent: int, oldest: float | None) -> None:
        with self._lock:
            self._measures[service] = (unsent, oldest)

    def describe(self):
        return self._families()

    def collect(self, now: float | None = None):
        now = time.time() if now is None else now
        with self._lock:
            measures = sorted(self._measures.items())
        return self._families(measures, now)

    @staticmethod
    def _families(measures=(), now: float = 0.0):
        unsent = GaugeMetricFamily(UNSENT, "Outbox rows not published yet, as the relay last counted them",
                                   labels=["service"])
        age = GaugeMetricFamily(OLDEST_AGE, "Age of the oldest outbox row not published yet (0: none)",
                                labels=["service"])
        for service, (count, oldest) in measures:
            unsent.add_metric([service], count)
            age.add_metric([service], max(0.0, now - oldest) if count and oldest is not None else 0.0)
        return [unsent, age]


COLLECTOR = _BacklogCollector()
REGISTRY.register(COLLECTOR)


class BacklogMeter:
    """One relay's measures of its outbox."""

    def __init__(self, db: Database, service: str, log, clock: Callable[[], float] = time.monotonic):
        self.db, self.service, self.log, self.clock = db, service, log, clock
        self._due = 0.0  # the first call measures

    def measure_if_due(self) -> None:
        if self.clock() < self._due:
            return
        self._due = self.clock() + MEASURE_EVERY
        self.measure()

    def measure(self) -> None:
        """Never raises: a database out of reach leaves the last measure (the relay's own run says why)."""
        try:
            with self.db.reading() as session:
                unsent, oldest = session.connection().execute(_MEASURE).one()
        except Exception as error:
            self.log.debug("relay.backlog_not_measured", error=error_text(error))
            return
        COLLECTOR.record(self.service, int(unsent), _unix_time(oldest))


def _unix_time(moment: datetime | None) -> float | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # SQLite gives back naive datetimes; the outbox stores UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
