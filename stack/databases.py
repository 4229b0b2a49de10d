"""A stack's databases: one per service on the machine's PostgreSQL, brought to Alembic head by the
``<svc>-migrate`` commands (in parallel), and the demo accounts once the consumers are listening."""
from __future__ import annotations

import subprocess

from chassis.config import REPO_ROOT
from stack.environment import StackLayout, common_environment, run_environment, service_environment
from stack.process_table import API_SERVICES, local_argv, migrate_command


def _admin_url(url: str) -> tuple[str, str]:
    """(the server's ``postgres`` database as a psycopg URL, the database's name) of a SQLAlchemy URL."""
    base, _, name = url.rpartition("/")
    return base.replace("postgresql+psycopg://", "postgresql://", 1) + "/postgres", name


def ensure_databases(layout: StackLayout, fresh: bool = False) -> None:
    import psycopg

    for url in layout.database_urls.values():
        admin, name = _admin_url(url)
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
            if fresh:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            exists = connection.execute("select 1 from pg_database where datname = %s", (name,)).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{name}"')


def drop_databases(urls) -> None:
    import psycopg

    for url in urls:
        admin, name = _admin_url(url)
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_migrations(layout: StackLayout) -> None:
    """The ``<svc>-migrate`` commands, in parallel; any failure stops the start with its output."""
    common = common_environment(layout)
    running = {}
    for service in API_SERVICES:
        env = run_environment({**common, **service_environment(service, layout)})
        running[service] = subprocess.Popen(local_argv(migrate_command(service)), cwd=REPO_ROOT, env=env,
                                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    failures = []
    for service, process in running.items():
        output, _ = process.communicate(timeout=180)
        if process.returncode != 0:
            failures.append(f"{service}: {output.decode(errors='replace')[-2000:]}")
    if failures:
        raise RuntimeError("migrations failed:\n" + "\n".join(failures))


def ensure_demo_accounts(layout: StackLayout, password: str) -> list[dict]:
    from chassis.db import Database
    from services.auth.operations.demo_accounts import ensure_demo_accounts as create

    db = Database(layout.database_urls["auth"])
    try:
        return create(db, password)
    finally:
        db.dispose()
