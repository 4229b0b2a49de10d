"""Time limits on every PostgreSQL engine: a database that hangs costs a request seconds, not a worker.

Without them, a database that accepted connections but never answered held each request until
gunicorn killed the worker 30 s later (a 500 or a reset connection). Now the caller gets the
contract's 503 with ``Retry-After`` within about 5 s, and ``/readyz`` says the database is unavailable.

- ``connect_timeout`` (libpq): a server that accepts TCP but never completes the handshake.
- ``statement_timeout`` (sent at connection start, enforced by the server): a statement stuck on a
  lock or a bad plan is cancelled by PostgreSQL itself (``QueryCanceled``).
- TCP keepalives: a connection whose server vanished (host down, network cut) is found dead.
- A client-side deadline: a server that stopped answering altogether (frozen process, stalled storage)
  cancels nothing. One watchdog thread per process shuts the socket of any statement running past the
  deadline; psycopg then raises ``OperationalError`` (503) and the pool drops that connection.

Settings (environment, every service): ``DB_CONNECT_TIMEOUT_SECONDS`` (3), ``DB_STATEMENT_TIMEOUT_SECONDS``
(3; 0 turns both statement limits off, as migrations do), ``DB_CLIENT_DEADLINE_SECONDS`` (the statement
timeout + 1).
"""
from __future__ import annotations

import os
import socket
import threading
import time

from sqlalchemy import event
from sqlalchemy.engine import Engine

from chassis.config import env
from chassis.logging import get_logger

log = get_logger("chassis.db")
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}


def connect_timeout_seconds() -> int:
    return int(float(env("DB_CONNECT_TIMEOUT_SECONDS", "3")))


def statement_timeout_seconds() -> float:
    return float(env("DB_STATEMENT_TIMEOUT_SECONDS", "3"))


def client_deadline_seconds(statement_timeout: float) -> float:
    return float(env("DB_CLIENT_DEADLINE_SECONDS", str(statement_timeout + 1 if statement_timeout else 0)))


def postgres_connect_args(statement_timeout: float) -> dict:
    """psycopg connection arguments: connect timeout, keepalives, the server-side statement timeout."""
    args = {"connect_timeout": max(connect_timeout_seconds(), 1), **KEEPALIVES}
    if statement_timeout > 0:
        args["options"] = f"-c statement_timeout={int(statement_timeout * 1000)}"
    return args


class StatementWatchdog:
    """Shuts the socket of a statement that has run past ``deadline`` seconds (see the module's text).

    Cost per statement: two dictionary operations. The thread starts at the first statement of each
    process (after gunicorn's fork) and wakes every ``tick`` seconds.
    """

    def __init__(self, deadline: float, tick: float = 0.25):
        self.deadline, self.tick = deadline, tick
        self._running: dict[int, tuple[float, object]] = {}  # id(psycopg connection) -> (expires, connection)
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._start_lock = threading.Lock()

    def watch(self, engine: Engine) -> None:
        event.listen(engine, "before_cursor_execute", self._started)
        event.listen(engine, "after_cursor_execute", self._finished)
        event.listen(engine, "handle_error", self._failed)

    def _started(self, conn, _cursor, _statement, _parameters, _context, _executemany) -> None:
        dbapi = conn.connection.dbapi_connection
        self._running[id(dbapi)] = (time.monotonic() + self.deadline, dbapi)
        if self._pid != os.getpid():
            self._start_thread()

    def _finished(self, conn, _cursor, _statement, _parameters, _context, _executemany) -> None:
        self._running.pop(id(conn.connection.dbapi_connection), None)

    def _failed(self, context) -> None:
        dbapi = getattr(context.connection, "connection", None)
        dbapi = getattr(dbapi, "dbapi_connection", None)
        if dbapi is not None:
            self._running.pop(id(dbapi), None)

    def _start_thread(self) -> None:
        with self._start_lock:
            if self._pid == os.getpid():
                return
            self._running.clear()  # what the parent process was running is not ours
            self._thread = threading.Thread(target=self._loop, name="db-statement-watchdog", daemon=True)
            self._thread.start()
            self._pid = os.getpid()

    def _loop(self) -> None:
        while True:
            time.sleep(self.tick)
            now = time.monotonic()
            for key, (expires, dbapi) in list(self._running.items()):
                if expires <= now and self._running.get(key, (None,))[0] == expires:
                    self._running.pop(key, None)
                    self._cut(dbapi)

    def _cut(self, dbapi) -> None:
        try:
            descriptor = dbapi.pgconn.socket
            with socket.socket(fileno=os.dup(descriptor)) as sock:
                sock.shutdown(socket.SHUT_RDWR)  # acts on the connection, not just on our duplicate
            log.warning("database_statement_deadline", deadline_seconds=self.deadline)
        except Exception as error:  # noqa: BLE001 - already closed: nothing left to cut
            log.info("database_statement_deadline_missed", error=type(error).__name__)
