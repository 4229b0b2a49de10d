"""Alembic, driven from code: every service keeps its migrations in ``services/<svc>/migrations``.

``upgrade("auth", url)`` brings that database to head (the embedded stack, the tests and the
deploy's migrate step all call this). Each service's ``migrations/env.py`` calls ``run_env``.
"""
from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import pool

from chassis.config import REPO_ROOT
from chassis.db import make_engine


def alembic_config(service: str, database_url: str) -> Config:
    folder = REPO_ROOT / "services" / service / "migrations"
    config = Config()
    config.set_main_option("script_location", str(folder))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(folder / "versions"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(service: str, database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(service, database_url), revision)


def run_env(context, target_metadata) -> None:
    """Body of a service's ``env.py``: online migrations against ``database_url``."""
    url = context.config.attributes.get("database_url")
    if not url:
        raise RuntimeError("pass database_url via chassis.migrations.upgrade (see docs/architecture.md)")
    # No statement limit: a migration may rewrite a large table.
    engine = make_engine(url) if url.startswith("sqlite") else \
        make_engine(url, poolclass=pool.NullPool, statement_timeout=0)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def create_bus_tables(op) -> None:
    """The ``outbox`` and ``inbox`` tables of ``chassis.bus.tables`` (every service's first migration calls it).

    Written out rather than derived from the models: a migration must keep producing the same schema when the
    models change later (a change to these tables is a new migration of its own).
    """
    import sqlalchemy as sa

    big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    op.create_table("outbox",
                    sa.Column("id", big_id, primary_key=True, autoincrement=True),
                    sa.Column("event_id", sa.String(36), nullable=False),
                    sa.Column("event_type", sa.String(80), nullable=False),
                    sa.Column("envelope", sa.JSON(), nullable=False),
                    sa.Column("sensitive", sa.Boolean(), nullable=False),
                    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
                    sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
                    sa.Column("attempts", sa.Integer(), nullable=False),
                    sa.Column("last_error", sa.Text(), nullable=True),
                    sa.UniqueConstraint("event_id"))
    op.create_index("ix_outbox_event_type", "outbox", ["event_type"])
    op.create_index("ix_outbox_published_at", "outbox", ["published_at"])
    op.create_table("inbox",
                    sa.Column("id", big_id, primary_key=True, autoincrement=True),
                    sa.Column("consumer", sa.String(80), nullable=False),
                    sa.Column("event_id", sa.String(36), nullable=False),
                    sa.Column("event_type", sa.String(80), nullable=False),
                    sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
                    sa.UniqueConstraint("consumer", "event_id", name="uq_inbox_consumer_event"))


def drop_bus_tables(op) -> None:
    """Undoes ``create_bus_tables`` (a first migration's ``downgrade``); the indexes go with their table."""
    op.drop_table("outbox")
    op.drop_table("inbox")


def create_account_status_table(op) -> None:
    """The ``account_status`` table of ``chassis.bus.tables`` (one migration of every service calls it)."""
    import sqlalchemy as sa

    op.create_table("account_status",
                    sa.Column("user_id", sa.String(36), primary_key=True),
                    sa.Column("disabled", sa.Boolean(), nullable=False),
                    sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False))


def drop_account_status_table(op) -> None:
    op.drop_table("account_status")


def account_status_revision():
    """``upgrade, downgrade`` of a revision that only adds ``account_status`` (four services have one)."""
    from alembic import op

    return (lambda: create_account_status_table(op)), (lambda: drop_account_status_table(op))


def wait_for_head(service: str, database_url: str, interval: float = 5.0) -> None:
    """Returns once the database is at the head of the service's migrations (what its migrate step does):
    the init container of every Kubernetes pod that uses it, so new code never meets an old schema."""
    import time

    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    wanted = set(ScriptDirectory.from_config(alembic_config(service, database_url)).get_heads())
    engine = make_engine(database_url)
    try:
        while True:
            try:
                with engine.connect() as connection:
                    current = set(MigrationContext.configure(connection).get_current_heads())
            except Exception as error:  # the database is not up yet: wait for it as for the migration
                current = {f"unreachable ({error.__class__.__name__})"}
            if current == wanted:
                print(f"{service}: database at {sorted(wanted)}", flush=True)
                return
            print(f"{service}: database at {sorted(current)}, waiting for {sorted(wanted)} ({service}-migrate)",
                  flush=True)
            time.sleep(interval)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    """``python -m chassis.migrations <svc>``: that service's database (``<SVC>_DATABASE_URL``) to head;
    ``--wait <svc>``: until someone else has brought it there."""
    import sys

    from chassis.config import ServiceConfig

    args = sys.argv[1:] if argv is None else argv
    wait = args[:1] == ["--wait"]
    args = args[1:] if wait else args
    if len(args) != 1:
        print("usage: python -m chassis.migrations [--wait] <service>", file=sys.stderr)
        return 2
    url = ServiceConfig.from_env(args[0]).database_url
    if wait:
        wait_for_head(args[0], url)
    else:
        upgrade(args[0], url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
