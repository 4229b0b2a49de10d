"""One database per service: engine, sessions, and a transaction helper.

Services declare their own ``DeclarativeBase``; the outbox and inbox tables live in
``chassis.bus.tables.ChassisBase`` and every service's Alembic migrations create them too.
"""
from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from chassis.config import env_bool
from chassis.db_timeouts import (
    StatementWatchdog,
    client_deadline_seconds,
    postgres_connect_args,
    statement_timeout_seconds,
)

# Every engine of this process, so that a forked worker can let go of the connections it inherited.
_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


def after_fork() -> None:
    """In a process just forked (a gunicorn worker of a preloaded app): forget the pooled connections the
    parent opened, without closing them (they are still the parent's), so that two processes never talk
    over one socket; each engine opens its own on first use. SQLAlchemy's recipe for pools and fork."""
    for engine in list(_ENGINES):
        engine.dispose(close=False)


def make_engine(url: str, *, statement_timeout: float | None = None, **kwargs) -> Engine:
    """An engine for ``url``. On PostgreSQL every connection gets the limits of ``chassis.db_timeouts``;
    ``statement_timeout=0`` lifts the statement limits (migrations), None takes the setting."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        _ENGINES.add(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    # Off by default: a ping is one more round trip on every request. A connection found dead is an
    # OperationalError (a 503 with Retry-After, nothing written) and SQLAlchemy then renews the pool.
    kwargs.setdefault("pool_pre_ping", env_bool("DB_POOL_PRE_PING", False))
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 10)
    statement_timeout = statement_timeout_seconds() if statement_timeout is None else statement_timeout
    kwargs["connect_args"] = {**postgres_connect_args(statement_timeout), **kwargs.get("connect_args", {})}
    engine = create_engine(url, **kwargs)
    deadline = client_deadline_seconds(statement_timeout)
    if deadline > 0:
        StatementWatchdog(deadline).watch(engine)
    _ENGINES.add(engine)
    return engine


class Database:
    def __init__(self, url: str, **engine_kwargs):
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Reads run without BEGIN/ROLLBACK (two round trips fewer); each statement sees committed data.
        self.read_sessions = sessionmaker(self.engine.execution_options(isolation_level="AUTOCOMMIT"),
                                          expire_on_commit=False)

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits on a clean exit and rolls back on any exception."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only (autocommit: writing through it is a bug)."""
        session = self.read_sessions()
        try:
            yield session
        finally:
            session.close()  # ends the read transaction; loaded objects stay readable

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()
