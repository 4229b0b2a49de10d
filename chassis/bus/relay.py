"""The outbox relay: publishes a service's unsent outbox rows, in id order, then marks them sent.

One batch = one database transaction:

1. on PostgreSQL, take the transaction-scoped advisory lock of the outbox
   (``pg_try_advisory_xact_lock``): a second relay of the same service finds it taken and waits
   for its next turn, so relays never publish the same rows twice *and* batches go out in id
   order; the rows are also selected ``FOR UPDATE SKIP LOCKED`` (defence in depth);
2. publish the batch and wait for the broker's confirms of the whole batch;
3. set ``published_at`` (and delete ``sensitive`` rows: they hold temporary passwords); commit
   (on PostgreSQL without waiting for the WAL flush: a mark lost in a database crash only means
   publishing those rows again, like a crash between 2 and 3).

A crash between 2 and 3 rolls the transaction back: the rows are published again by the next
run (at-least-once); consumers deduplicate with their inbox. On SQLite (one relay a service in
the embedded stack) the rows are read with a plain select.

If publishing fails, the rows' ``attempts`` and ``last_error`` are updated in a separate
transaction, and ``run_forever`` reconnects with exponential backoff.

Between two runs ``run_forever`` does not poll: it waits for a commit's wake-up
(``chassis.bus.wakeup``: PostgreSQL ``LISTEN guichet_outbox_<producer>``, an in-process event on
SQLite), and looks again anyway after ``BUS_RELAY_IDLE_SLEEP`` seconds (safety net). When the wake-up
comes within ``BUS_RELAY_COALESCE`` seconds of the end of the previous run (commits arriving fast), it
waits that long first, so that the commits right behind it join the same run. Once an hour it also
deletes the old published rows of its outbox and the old rows of its database's inbox
(``chassis.bus.retention``).

The relay holds its broker connection open, idle or not: each pass starts by opening it (or keeping it
alive: AMQP heartbeats, ``chassis.bus.connection``), and its waits for a wake-up are cut in slices of at most
half the heartbeat interval, each followed by a ``keep_alive``. So its ``guichet_bus_broker_connected`` says
what an idle relay knows of the broker too, and a broker that silently vanished is noticed within a few
heartbeat intervals.
"""
from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import BigInteger, Text, any_, bindparam, cast, delete, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY

from chassis import tracing
from chassis.bus import metrics
from chassis.bus.backoff import Backoff
from chassis.bus.health import BrokerLiveness
from chassis.bus.messages import error_text
from chassis.bus.outbox_backlog import BacklogMeter
from chassis.bus.publisher import EncodedEvent, open_publisher
from chassis.bus.retention import RetentionSweeper
from chassis.bus.settings import BusSettings
from chassis.bus.tables import OutboxMessage
from chassis.bus.wakeup import outbox_doorbell
from chassis.db import Database
from chassis.logging import get_logger

OUTBOX_LOCK_KEY = zlib.crc32(b"guichet.outbox.relay")

# The relay's statements, built once (building and cache-keying them per run was a third of a relay's
# time at a few events a run) and run on the connection, outside the ORM.
_outbox = OutboxMessage.__table__
# On PostgreSQL the outbox's advisory lock is taken by the select of the batch itself, in a CTE (evaluated once:
# it calls volatile functions): no lock, no rows. One round trip a run fewer than a statement of its own.
_LOCK = select(func.pg_try_advisory_xact_lock(OUTBOX_LOCK_KEY).label("locked"),
               func.set_config("synchronous_commit", "off", True).label("commit_mode")).cte("relay_lock")
# The ids as one array parameter on PostgreSQL: the same statement text whatever the batch's size, so psycopg
# parses it and the server plans it once (an expanded IN list is a new text at every size).
_IDS = {"postgresql": _outbox.c.id == any_(bindparam("ids", type_=ARRAY(BigInteger))),
        "other": _outbox.c.id.in_(bindparam("ids", expanding=True))}
_MARK_SENT = {name: update(_outbox).where(ids).values(published_at=bindparam("published_at"))
              for name, ids in _IDS.items()}
_DELETE_SENT = {name: delete(_outbox).where(ids) for name, ids in _IDS.items()}


def _as_stored(row) -> EncodedEvent:
    """An outbox row read ``as_stored``, ready to publish: the body is the outbox's JSON text of the envelope
    (valid JSON of the same envelope as ``messages.encode`` gives), the headers ``messages.event_headers``'."""
    return EncodedEvent(row.event_type, row.body.encode("utf-8"),
                        {"event_id": row.event_id, "event_type": row.event_type,
                         "correlation_id": row.correlation_id or "", "producer": row.producer or ""})


class OutboxRelay:
    def __init__(self, db: Database, settings: BusSettings, producer: str, batch_size: int | None = None,
                 publisher=None, clock: Callable[[], float] = time.monotonic):
        self.db = db
        self.clock = clock  # measures the idle wait and the gathering window (a test freezes it)
        self.settings = settings
        self.producer = producer
        self.batch_size = batch_size or settings.relay_batch_size
        self.log = get_logger(producer, component="relay")
        self._publisher = publisher
        self._unsent = self._unsent_query()
        self._unsent_as_stored = self._unsent_query(as_stored=True)
        self.broker = BrokerLiveness(producer, "relay")  # what its metrics say of the broker
        self.backlog = BacklogMeter(db, producer, self.log)

    @property
    def publisher(self):
        if self._publisher is None:
            self._publisher = open_publisher(self.settings, self.producer)
        return self._publisher

    def run_once(self) -> int:
        """Publishes at most one batch; returns how many events were published."""
        publisher = self.publisher
        unconfirmed: list[int] = []
        try:
            with self.db.transaction() as session:
                as_stored = self.db.is_postgres and not tracing.enabled()
                rows = session.connection().execute(self._unsent_as_stored if as_stored else self._unsent).all()
                if not rows:
                    return 0
                unconfirmed = [row.id for row in rows]
                if as_stored:
                    report = publisher.publish_encoded([_as_stored(row) for row in rows])
                else:
                    with tracing.publishing(self.producer, self.settings.exchange,
                                            [r.envelope for r in rows]) as envelopes:
                        report = publisher.publish_events(envelopes)
                unconfirmed = []
                self.after_publish(rows)
                self._mark_sent(session, rows)
        except Exception as error:
            if unconfirmed:  # after the rollback: the rows are no longer locked
                self._note_failure(unconfirmed, error)
            raise
        for row in rows:
            metrics.series(metrics.PUBLISHED, self.producer, row.event_type).inc()
        self.log.debug("relay.published", count=len(rows), unroutable=len(report.unroutable))
        return len(rows)

    def after_publish(self, rows) -> None:
        """Called after the broker confirmed a batch, before the rows are marked (a hook for tests)."""

    def run_forever(self, stop_event: threading.Event) -> None:
        """Publishes until ``stop_event`` is set: at once while batches are full, else when a commit wakes
        it (``chassis.bus.wakeup``) or, as a safety net, after ``BUS_RELAY_IDLE_SLEEP`` seconds."""
        backoff = Backoff(self.settings.reconnect_max_delay)
        wakeup = outbox_doorbell(self.db, self.producer, self.log, clock=self.clock)
        sweeper = RetentionSweeper(self.db, self.settings, self.log)
        self.log.info("relay.started", exchange=self.settings.exchange, wakeup_channel=wakeup.channel)
        try:
            while not stop_event.is_set():
                try:
                    self.backlog.measure_if_due()  # before the broker: measured while it is out of reach too
                    self.publisher.keep_alive()  # opens the connection, or checks it is alive
                    wakeup.arm()
                    published = self.run_once()
                    ran_at = self.clock()
                    backoff.reset()
                    self.broker.reached()
                    if published < self.batch_size:  # not while a backlog is being published
                        sweeper.sweep_if_due()
                        if self._wait_for_work(wakeup, stop_event) \
                                and self.clock() - ran_at < self.settings.relay_coalesce:
                            self.gather(stop_event)
                except Exception as error:
                    self.broker.lost()
                    delay = backoff.next_delay()
                    self.log.warning("relay.failed", error=error_text(error), retry_in=delay)
                    self.close_publisher(failed=True)
                    stop_event.wait(delay)
        finally:
            wakeup.close()
            self.close_publisher()
        self.log.info("relay.stopped")

    def _wait_for_work(self, wakeup, stop_event: threading.Event) -> bool:
        """Waits for a commit's wake-up, ``BUS_RELAY_IDLE_SLEEP`` seconds at most, keeping the broker connection
        alive meanwhile; True if woken. A broker failure raises."""
        deadline = self.clock() + self.settings.relay_idle_sleep
        while (remaining := deadline - self.clock()) > 0:
            if wakeup.wait(self.publisher.longest_wait(remaining), stop_event):
                return True
            if stop_event.is_set():
                return False
            self.publisher.keep_alive()
        return False

    def gather(self, stop_event: threading.Event) -> None:
        """Commits come faster than one a coalescing window: let those right behind this one join the same run
        (at hundreds of events a second, a run per commit costs more CPU than the events). A commit after a
        quiet spell is published at once, without this pause."""
        stop_event.wait(self.settings.relay_coalesce)

    def close_publisher(self, failed: bool = False) -> None:
        """``failed``: after a broker failure, without waiting for the broker."""
        publisher, self._publisher = self._publisher, None
        if publisher is not None:
            publisher.close(failed)

    # -- internals --------------------------------------------------------------------------
    def _unsent_query(self, as_stored: bool = False):
        """``as_stored`` (PostgreSQL): the envelope as the JSON text the outbox holds, and the two headers that
        are not columns, instead of the envelope decoded (and then encoded again to publish it)."""
        envelope = _outbox.c.envelope
        columns = ([cast(envelope, Text).label("body"), envelope["correlation_id"].as_string().label("correlation_id"),
                    envelope["producer"].as_string().label("producer"), _outbox.c.event_id]
                   if as_stored else [envelope])
        query = (select(_outbox.c.id, _outbox.c.event_type, _outbox.c.sensitive, *columns)
                 .where(_outbox.c.published_at.is_(None)).order_by(_outbox.c.id).limit(self.batch_size))
        if not self.db.is_postgres:
            return query
        # The outbox's advisory lock (a relay that finds it taken gets no rows and waits for its next turn), and
        # this transaction's commit not waiting for its WAL flush (``synchronous_commit`` off, this transaction
        # only): losing the mark in a database crash only publishes the rows again, which inboxes absorb.
        return query.select_from(_outbox.join(_LOCK, _LOCK.c.locked)).with_for_update(skip_locked=True, of=_outbox)

    def _mark_sent(self, session, rows) -> None:
        sensitive = [row.id for row in rows if row.sensitive]
        plain = [row.id for row in rows if not row.sensitive]
        connection = session.connection()
        dialect = "postgresql" if self.db.is_postgres else "other"
        if plain:
            connection.execute(_MARK_SENT[dialect], {"ids": plain, "published_at": datetime.now(UTC)})
        if sensitive:
            connection.execute(_DELETE_SENT[dialect], {"ids": sensitive})

    def _note_failure(self, ids: list[int], error: Exception) -> None:
        try:
            with self.db.transaction() as session:
                session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                                .values(attempts=OutboxMessage.attempts + 1, last_error=error_text(error)))
        except Exception:  # the database may be the thing that failed; the next run retries anyway
            pass
