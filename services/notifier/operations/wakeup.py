"""Waking the delivery loops as soon as a transaction that staged work commits, instead of letting them poll.

Two channels: ``guichet_notifier_mail`` (a pending email) and ``guichet_notifier_webhooks`` (a pending
webhook delivery). Whoever stages work calls ``ring(session, channel)`` inside its transaction (the consumer's
handlers through ``record_message`` and ``fan_out_to_webhooks``, the replay of the API and the CLI).

- **PostgreSQL**: ``ring`` runs ``SELECT pg_notify(channel, '')`` in the transaction (once a transaction or
  savepoint). PostgreSQL delivers it when the transaction commits, never if it (or the savepoint) rolls
  back, to every process that listens: the loop of the worker itself, or of a separate
  ``python -m services.notifier.sender``. A ``Doorbell`` listens on its own psycopg connection (autocommit,
  outside the pool).
- **Other databases** (SQLite, the embedded one-process stack): ``ring`` notes the channel in the session;
  once the root transaction commits, every ``Doorbell`` of that channel in this process is rung.

The loops still look every ``NOTIFIER_POLL_SECONDS`` when nothing woke them: the safety net for a missed
wake-up (listening connection being re-opened, database restart) and for retries coming due. After the
listening connection is (re)opened the loop looks at once, so nothing committed meanwhile waits for the net.
"""
from __future__ import annotations

import threading
import time
import weakref

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from chassis.db import Database

MAIL_CHANNEL = "guichet_notifier_mail"
WEBHOOK_CHANNEL = "guichet_notifier_webhooks"
_NOTIFIED = "notifier_wakeup_notified"  # session.info: channel -> the (sub)transaction that ran pg_notify
_PENDING = "notifier_wakeup_pending"    # session.info: channels to ring in-process after the root commit
_WAIT_SLICE = 0.25                      # longest single wait on the listener, so a stop is seen quickly

_bells: dict[str, weakref.WeakSet[Doorbell]] = {}
_bells_lock = threading.Lock()


def ring(session: Session, channel: str) -> None:
    """Asks for the loops of ``channel`` to be woken when ``session``'s transaction commits."""
    if session.get_bind().dialect.name != "postgresql":
        session.info.setdefault(_PENDING, set()).add(channel)
        return
    connection = session.connection()  # begins the transaction if needed
    current = session.get_nested_transaction() or session.get_transaction()
    notified = session.info.setdefault(_NOTIFIED, {})
    if notified.get(channel) is current:
        return  # already asked in this (sub)transaction
    connection.execute(select(func.pg_notify(channel, "")))
    notified[channel] = current


def ring_here(channel: str) -> None:
    """Rings every doorbell of ``channel`` in this process (also used to stop loops promptly)."""
    with _bells_lock:
        bells = list(_bells.get(channel, ()))
    for bell in bells:
        bell.ring()


@event.listens_for(Session, "after_commit")
def _ring_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a released savepoint: its work is not visible until the root commits
    session.info.pop(_NOTIFIED, None)
    for channel in session.info.pop(_PENDING, ()):
        ring_here(channel)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    if not session.in_nested_transaction():  # a savepoint's rollback leaves the others' work (spurious ring: harmless)
        session.info.pop(_NOTIFIED, None)
        session.info.pop(_PENDING, None)


class Doorbell:
    """What a delivery loop waits on between passes: ``arm()`` right before a pass, then ``wait()``."""

    def __init__(self, db: Database, channel: str, log=None):
        self.db, self.channel, self.log = db, channel, log
        self._rung = threading.Event()
        self._listener = None  # psycopg connection (PostgreSQL)
        with _bells_lock:
            _bells.setdefault(channel, weakref.WeakSet()).add(self)

    def ring(self) -> None:
        self._rung.set()

    def arm(self) -> None:
        """Called right before a pass: commits after this point wake the next ``wait``; the pass sees the
        ones before it (so (re)opening the listener loses nothing)."""
        self._rung.clear()
        if not self.db.is_postgres:
            return
        if self._listener is None or self._listener.closed:
            self._listen()
            return
        try:  # take what arrived meanwhile without waiting: the pass that follows sees those commits
            for _ in self._listener.notifies(timeout=0):
                pass
        except Exception as error:
            self._lost(error)
            self._listen()

    def wait(self, timeout: float, stop_event: threading.Event | None = None) -> bool:
        """Until a commit rang, ``timeout`` passed or ``stop_event`` is set; True if rung."""
        deadline = time.monotonic() + timeout
        while not (stop_event is not None and stop_event.is_set()):
            remaining = deadline - time.monotonic()
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
        if self._listener is None:  # SQLite, or could not listen (the poll is the safety net)
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
            self._warn("delivery.listen_failed", error)
            return
        self._listener = listener

    def _lost(self, error: Exception) -> None:
        self._warn("delivery.listen_lost", error)
        self.close()

    def _warn(self, what: str, error: Exception) -> None:
        if self.log is not None:
            self.log.warning(what, channel=self.channel, error=f"{type(error).__name__}: {error}"[:500],
                             fallback_poll=True)
