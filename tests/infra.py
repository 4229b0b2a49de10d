"""Real PostgreSQL databases and RabbitMQ exchanges for tests (never mocks).

Each test module gets databases of its own (``guichet_test_<name>``) and an exchange with a
unique name, so suites of different services can run side by side on one machine.
Under ``CI=true`` an unreachable server fails the run; elsewhere the tests that need it skip.
"""
from __future__ import annotations

import functools
import hashlib
import os
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from kombu import Connection
from sqlalchemy import event

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
AMQP_URL = os.environ.get("TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")
IN_CI = os.environ.get("CI", "").lower() == "true"
# Set GUICHET_TEST_RUN (letters, digits, _) to run two suites side by side on one machine: every
# database name and stack prefix of the run carries it.
TEST_RUN = os.environ.get("GUICHET_TEST_RUN", "")


# The prefix of every skip for missing infrastructure: tests/conftest.py counts them in a last, loud line.
MISSING = "missing infrastructure"


def missing(message: str):
    """Something the test needs is not on this machine: a failure under ``CI=true``, a skip elsewhere."""
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(f"{MISSING}: {message}")


def _unavailable(what: str, error: Exception):
    missing(f"{what} is not reachable: {error}")


def postgres_url(dbname: str) -> str:
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    return f"{base}/{dbname}"


def _sqlalchemy_url(dbname: str) -> str:
    return postgres_url(dbname).replace("postgresql://", "postgresql+psycopg://", 1)


def fresh_database(name: str, *, migrated: str | None = None) -> str:
    """Drops and creates ``guichet_test_<run><name>``, empty or as a copy of the service ``migrated``'s template;
    returns its SQLAlchemy URL."""
    dbname = f"guichet_test_{TEST_RUN}{name}"
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as connection:
            copy = f' TEMPLATE "{_migrated_template(connection, migrated)}"' if migrated else ""
            connection.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{dbname}"{copy}')
    except psycopg.OperationalError as error:
        _unavailable("PostgreSQL", error)
    return _sqlalchemy_url(dbname)


def migrated_database(service: str, name: str | None = None) -> str:
    """``fresh_database`` at the service's latest migration: a copy of a template database migrated once
    (``CREATE DATABASE ... TEMPLATE`` copies files; running every migration again cost 0.3 to 0.9 s, and the
    suite asks for some hundred such databases)."""
    return fresh_database(name or service, migrated=service)


def _migrated_template(connection, service: str) -> str:
    """The template of ``service``'s schema, named by a digest of what its migrations run (so an edited migration
    makes a new one) and built by the first of the parallel workers or runs that asks (an advisory lock)."""
    from chassis.migrations import upgrade

    lock = (f"guichet_template_{service}",)
    template = f"guichet_template_{service}_{_migrations_digest(service)}"
    connection.execute("SELECT pg_advisory_lock(hashtext(%s))", lock)
    try:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (template,)).fetchone()
        if not exists:  # an older digest's template stays: a run of another checkout may be copying it
            # Migrated under another name and renamed when complete: a failed migration leaves no template.
            building = f"{template}_building"
            connection.execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{building}"')
            upgrade(service, _sqlalchemy_url(building))
            connection.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
    finally:
        connection.execute("SELECT pg_advisory_unlock(hashtext(%s))", lock)
    return template


@functools.cache
def _migrations_digest(service: str) -> str:
    """A digest of the service's migrations, its models and the chassis helpers its migrations call."""
    root = Path(__file__).resolve().parents[1]
    files = sorted([*(root / "services" / service / "migrations").rglob("*.py"),
                    *(root / "services" / service / "db").rglob("*.py"),
                    root / "chassis" / "migrations.py", root / "chassis" / "bus" / "tables.py"])
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def rabbitmq_url() -> str:
    try:
        with Connection(AMQP_URL, connect_timeout=5) as connection:
            connection.ensure_connection(max_retries=1, timeout=5)
    except Exception as error:  # kombu raises several kinds
        _unavailable("RabbitMQ", error)
    return AMQP_URL


def require_local_stack_infrastructure() -> None:
    """What an isolated real-process stack (``stack.local.start``) needs: nginx, RabbitMQ, PostgreSQL."""
    from stack.gateway import nginx_binary

    if nginx_binary() is None:
        missing("nginx is not installed (deploy/dev/ensure-infra.sh installs it)")
    rabbitmq_url()
    fresh_database("stack_probe")  # PostgreSQL answers and lets us create databases


def stack_database_prefix(kind: str) -> str:
    """The database prefix of an isolated stack of this run (``guichet_<run><kind>_``)."""
    return f"guichet_{TEST_RUN}{kind}_"


def unique_exchange(prefix: str = "test") -> str:
    return f"guichet.{prefix}.{uuid.uuid4().hex[:10]}"


@contextmanager
def sent_statements(engine):
    """The SQL statements ``engine`` sends while the block runs (BEGIN/COMMIT/ROLLBACK are not statements)."""
    sent: list[str] = []

    def record(_connection, _cursor, statement, *_rest):
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)
