"""Waking a service's outbox relay as soon as an event commits, instead of letting it poll.

Channel: one a producing service, ``guichet_outbox_<producer>`` (``channel_name``; e.g.
``guichet_outbox_cards``), the producer being the name ``record_event`` is given (the service).

- **PostgreSQL**: ``record_event`` runs ``pg_notify('guichet_outbox_<producer>', '')`` in the
  caller's transaction (once a transaction or savepoint, in the same statement as its outbox insert).
  PostgreSQL delivers the notification when the transaction commits, and never if it rolls back.
  The relay ``LISTEN``s on a dedicated psycopg connection (autocommit, outside the pool) and waits
  on it; a wait returns at the first notification and takes every one that arrived with it (one
  relay run for many commits).
- **Other databases** (SQLite: the embedded one-process stack): ``record_event`` notes the channel
  in the session; once the session commits, an in-process ``threading.Event`` of that channel is set,
  on which the relay threads of the same process wait.

The relay still looks at the outbox every ``BUS_RELAY_IDLE_SLEEP`` seconds when nothing woke it: a
safety net for rows whose wake-up was missed (the listening connection was being re-opened, the
database restarted, a row recorded under another producer name in the same database). After the
listening connection is (re)opened (``arm``, before each look at the outbox) the relay reads the
outbox, so nothing committed while it was not listening waits for the safety net.
"""
from __future__ import annotations

import re
import threading
import time

from sqlalchemy import event
from sqlalchemy.orm import Session

from chassis.db import Database

CHANNEL_PREFIX = "guichet_outbox_"
_NOTIFIED = "guichet_outbox_notified"  # session.info key: channel -> the (sub)transaction that notified
_PENDING = "guichet_outbox_pending"    # session.info key: channels to wake in-process after the commit
_WAIT_SLICE = 0.25                     # longest single wait, so that a stop request is seen quickly

_local_events: dict[str, threading.Event] = {}
_local_lock = threading.Lock()


def channel_name(producer: str) -> str:
    """``guichet_outbox_<producer>``, lower case, only ``[a-z0-9_]``, at most 63 characters (PostgreSQL)."""
    return (CHANNEL_PREFIX + re.sub(r"[^a-z0-9_]", "_", producer.lower()))[:63]


def local_event(channel: str) -> threading.Event:
    with _local_lock:
        return _local_events.setdefault(channel, threading.Event())


def channel_to_notify(session: Session, producer: str) -> str | None:
    """Asks for the producer's relay to be woken when ``session``'s transaction commits.

    On PostgreSQL returns the channel that the caller's next statement must ``pg_notify`` (the first
    time in this transaction or savepoint; ``None`` after that): ``record_event`` sends the notification
    in its outbox insert, which saves a round trip per transaction. On other databases returns ``None``
    and wakes the in-process relays after the commit.
    """
    channel = channel_name(producer)
    if session.get_bind().dialect.name != "postgresql":
        session.info.setdefault(_PENDING, set()).add(channel)
        return None
    session.connection()  # begins the transaction if needed; no autoflush
    current = session.get_nested_transaction() or session.get_transaction()
    notified = session.info.setdefault(_NOTIFIED, {})
    if notified.get(channel) is current:
        return None  # already asked in this transaction (a rolled-back savepoint asks again)
    notified[channel] = current  # if the statement fails, this (sub)transaction is rolled back with it
    return channel


@event.listens_for(Session, "after_commit")
def _wake_local_relays(session: Session) -> None:
    if session.in_nested_transaction():  # a SAVEPOINT released: the real commit is still to come
        return
    session.info.pop(_NOTIFIED, None)
    for channel in session.info.pop(_PENDING, ()):
        local_event(channel).set()


@event.listens_for(Session, "after_rollback")
def _forget_wakeups(session: Session) -> None:
    if session.in_nested_transaction():  # a SAVEPOINT rolled back: the outer transaction goes on
        return
    session.info.pop(_NOTIFIED, None)
    session.info.pop(_PENDING, None)


class OutboxWakeup:
    """What the relay waits on between two runs: ``arm()`` before looking at the outbox, then ``wait()``."""

    def __init__(self, db: Database, producer: str, log=None):
        self.db = db
        self.channel = channel_name(producer)
        self.log = log
        self._listener = None  # psycopg connection (PostgreSQL)

    def arm(self) -> None:
        """Called right before the relay reads the outbox: commits after this point wake the next ``wait``;
        those before it are seen by the read itself (so (re)opening the listener loses nothing)."""
        if self.db.is_postgres:
            if self._listener is None or self._listener.closed:
                self._listen()
            else:  # take what arrived meanwhile (the read that follows sees those commits), never waiting
                self._take_pending()
        else:
            local_event(self.channel).clear()

    def wait(self, timeout: float, stop_event: threading.Event | None = None) -> bool:
        """Waits until a commit announced work, ``timeout`` passes or ``stop_event`` is set; True if woken."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or (stop_event is not None and stop_event.is_set()):
                return False
            if self._wait_once(min(remaining, _WAIT_SLICE)):
                return True

    def close(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            try:
                listener.close()
            except Exception:
                pass

    # -- internals --------------------------------------------------------------------------
    def _wait_once(self, seconds: float) -> bool:
        if not self.db.is_postgres:
            return local_event(self.channel).wait(seconds)
        if self._listener is None:  # could not listen: plain sleep (the safety net polls)
            time.sleep(seconds)
            return False
        try:
            return any(True for _ in self._listener.notifies(timeout=seconds, stop_after=1))
        except Exception as error:
            self._warn("relay.listen_lost", error)
            self.close()
            return False

    def _take_pending(self) -> None:
        try:
            for _ in self._listener.notifies(timeout=0):
                pass
        except Exception as error:
            self._warn("relay.listen_lost", error)
            self.close()
            self._listen()

    def _listen(self) -> None:
        import psycopg
        from psycopg import sql
        self.close()
        conninfo = self.db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        try:
            listener = psycopg.connect(conninfo, autocommit=True, connect_timeout=5)
            listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
        except Exception as error:
            self._warn("relay.listen_failed", error)
            return
        self._listener = listener

    def _warn(self, what: str, error: Exception) -> None:
        if self.log is not None:
            self.log.warning(what, channel=self.channel, error=f"{type(error).__name__}: {error}"[:500],
                             fallback_poll=True)
