"""Waking a loop (a relay, a delivery loop) as soon as a transaction that staged work for it commits.

A channel names the work: ``guichet_outbox_<producer>`` (``channel_name``) for a service's outbox relay, any
other name a service picks for its own loops (the notifier's mail and webhook deliveries). Whoever stages work
calls ``ring(session, channel)`` inside its transaction; ``record_event`` does it for the outbox, folded into
its insert (``channel_to_notify``). The loop waits on a ``Doorbell`` of that channel.

- **PostgreSQL**: ``ring`` runs ``pg_notify(channel, '')`` in the caller's transaction (once a transaction or
  savepoint). PostgreSQL delivers the notification when the transaction commits, never if it (or the
  savepoint) rolls back, to every process that listens. A ``Doorbell`` ``LISTEN``s on a dedicated psycopg
  connection (autocommit, outside the pool); a wait returns at the first notification, and the next ``arm``
  takes every one that arrived with it (one pass for many commits).
- **Other databases** (SQLite: the embedded one-process stack): ``ring`` notes the channel in the session;
  once the root transaction commits, every ``Doorbell`` of that channel in this process is rung.

The loops still look every so often when nothing woke them: a safety net for a missed wake-up (the listening
connection being re-opened, a database restart). After the listening connection is (re)opened (``arm``,
right before each pass) the loop looks at once, so nothing committed while it was not listening waits for
the net.
"""
from __future__ import annotations

import re
import threading
import time
import weakref
from collections.abc import Callable

from sqlalchemy import bindparam, event, func, literal_column, select
from sqlalchemy.orm import Session

from chassis.db import Database

CHANNEL_PREFIX = "guichet_outbox_"
_NOTIFIED = "guichet_wakeup_notified"  # session.info: channel -> the (sub)transaction that asked for it
_PENDING = "guichet_wakeup_pending"    # session.info: channels to ring in-process after the root commit
_WAIT_SLICE = 0.25                     # longest single wait, so that a stop request is seen quickly

_NOTIFY = select(func.pg_notify(bindparam("channel"), literal_column("''")))  # built once: ring runs per message
_bells: dict[str, weakref.WeakSet[Doorbell]] = {}
_bells_lock = threading.Lock()


def channel_name(producer: str) -> str:
    """``guichet_outbox_<producer>``, lower case, only ``[a-z0-9_]``, at most 63 characters (PostgreSQL)."""
    return (CHANNEL_PREFIX + re.sub(r"[^a-z0-9_]", "_", producer.lower()))[:63]


def _must_notify(session: Session, channel: str) -> bool:
    """True when the caller must ``pg_notify(channel)`` now: PostgreSQL, and not yet in this (sub)transaction.
    On other databases notes the channel, to ring this process's doorbells after the commit."""
    if session.get_bind().dialect.name != "postgresql":
        session.info.setdefault(_PENDING, set()).add(channel)
        return False
    session.connection()  # begins the transaction if needed; no autoflush
    current = session.get_nested_transaction() or session.get_transaction()
    notified = session.info.setdefault(_NOTIFIED, {})
    if notified.get(channel) is current:
        return False  # already asked in this transaction (a rolled-back savepoint asks again)
    notified[channel] = current  # if the notifying statement fails, this (sub)transaction rolls back with it
    return True


def ring(session: Session, channel: str) -> None:
    """Asks for the loops waiting on ``channel`` to be woken when ``session``'s transaction commits."""
    if _must_notify(session, channel):
        session.connection().execute(_NOTIFY, {"channel": channel})


def channel_to_notify(session: Session, producer: str) -> str | None:
    """``ring`` for the producer's outbox relay, for a caller that sends the notification itself.

    On PostgreSQL returns the channel that the caller's next statement must ``pg_notify`` (the first time in
    this transaction or savepoint; ``None`` after that): ``record_event`` sends it in its outbox insert, a
    round trip a transaction fewer. On other databases returns ``None`` and rings after the commit.
    """
    channel = channel_name(producer)
    return channel if _must_notify(session, channel) else None


def ring_here(channel: str) -> None:
    """Rings every doorbell of ``channel`` in this process now (also a way to stop a loop promptly)."""
    with _bells_lock:
        bells = list(_bells.get(channel, ()))
    for bell in bells:
        bell.ring()


@event.listens_for(Session, "after_commit")
def _ring_after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a SAVEPOINT released: the real commit is still to come
        return
    session.info.pop(_NOTIFIED, None)
    for channel in session.info.pop(_PENDING, ()):
        ring_here(channel)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    if session.in_nested_transaction():  # a SAVEPOINT rolled back: the outer transaction goes on
        return
    session.info.pop(_NOTIFIED, None)
    session.info.pop(_PENDING, None)


class Doorbell:
    """What a loop waits on between two passes: ``arm()`` right before a pass, then ``wait()``.

    ``clock`` (seconds, monotonic) measures the ``wait`` timeout; a test freezes it so that only a commit (or
    the stop request) can end a wait. ``log_prefix`` names the warnings (``<prefix>.listen_lost``).
    """

    def __init__(self, db: Database, channel: str, log=None, *, clock: Callable[[], float] = time.monotonic,
                 log_prefix: str = "wakeup"):
        self.db, self.channel, self.log = db, channel, log
        self.clock, self.log_prefix = clock, log_prefix
        self._rung = threading.Event()
        self._listener = None  # psycopg connection (PostgreSQL)
        with _bells_lock:
            _bells.setdefault(channel, weakref.WeakSet()).add(self)

    def ring(self) -> None:
        self._rung.set()

    @property
    def rung(self) -> bool:
        """Rung in this process since the last ``arm`` (an in-process commit, or ``ring_here``)."""
        return self._rung.is_set()

    def arm(self) -> None:
        """Called right before a pass: commits after this point wake the next ``wait``; the pass itself sees
        those before it (so (re)opening the listener loses nothing)."""
        self._rung.clear()
        if not self.db.is_postgres:
            return
        if self._listener is None or self._listener.closed:
            self._listen()
            return
        try:  # take what arrived meanwhile, never waiting: the pass that follows sees those commits
            for _ in self._listener.notifies(timeout=0):
                pass
        except Exception as error:
            self._lost(error)
            self._listen()

    def wait(self, timeout: float, stop_event: threading.Event | None = None) -> bool:
        """Until a commit rang, ``timeout`` passed or ``stop_event`` is set; True if rung."""
        deadline = self.clock() + timeout
        while not (stop_event is not None and stop_event.is_set()):
            remaining = deadline - self.clock()
            if remaining <= 0:
                return False
            if self._wait_once(min(remaining, _WAIT_SLICE)):
                return True
        return False

    def close(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            try:
                listener.close()
            except Exception:
                pass

    # -- internals ---------------------------------------------------------------------------------
    def _wait_once(self, seconds: float) -> bool:
        if self._rung.is_set():
            return True
        if self._listener is None:  # SQLite, or could not listen (the safety-net poll takes over)
            return self._rung.wait(seconds)
        try:
            return any(True for _ in self._listener.notifies(timeout=seconds, stop_after=1)) or self._rung.is_set()
        except Exception as error:
            self._lost(error)
            return False

    def _listen(self) -> None:
        import psycopg
        from psycopg import sql

        self.close()
        conninfo = self.db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        try:
            listener = psycopg.connect(conninfo, autocommit=True, connect_timeout=5)
            listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
        except Exception as error:
            self._warn("listen_failed", error)
            return
        self._listener = listener

    def _lost(self, error: Exception) -> None:
        self._warn("listen_lost", error)
        self.close()

    def _warn(self, what: str, error: Exception) -> None:
        if self.log is not None:
            self.log.warning(f"{self.log_prefix}.{what}", channel=self.channel,
                             error=f"{type(error).__name__}: {error}"[:500], fallback_poll=True)


def outbox_doorbell(db: Database, producer: str, log=None, *, clock: Callable[[], float] = time.monotonic) -> Doorbell:
    """The doorbell of a producer's outbox relay (``record_event`` rings it)."""
    return Doorbell(db, channel_name(producer), log, clock=clock, log_prefix="relay")
