"""``create_bus_tables`` builds the outbox and inbox exactly as every service's first migration did, and as
``chassis.bus.tables`` declares them: same columns, types, nullability, defaults, constraints and indexes."""
from __future__ import annotations

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import create_engine, text

from chassis.bus.tables import ChassisBase
from chassis.migrations import create_bus_tables, drop_bus_tables
from tests.infra import fresh_database, migrated_database

SERVICES = ("auth", "billing", "cards", "notifier", "productions")

COLUMNS = text("""
    SELECT table_name, column_name, ordinal_position, data_type, character_maximum_length, is_nullable,
           column_default, is_identity
    FROM information_schema.columns WHERE table_schema = 'public' AND table_name IN ('outbox', 'inbox')
    ORDER BY table_name, ordinal_position""")
CONSTRAINTS = text("""
    SELECT rel.relname, con.conname, con.contype, pg_get_constraintdef(con.oid)
    FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
    WHERE rel.relname IN ('outbox', 'inbox') ORDER BY rel.relname, con.conname""")
INDEXES = text("""
    SELECT tablename, indexname, indexdef FROM pg_indexes
    WHERE schemaname = 'public' AND tablename IN ('outbox', 'inbox') ORDER BY tablename, indexname""")
SEQUENCES = text("""
    SELECT sequence_name, data_type FROM information_schema.sequences
    WHERE sequence_name LIKE 'outbox%' OR sequence_name LIKE 'inbox%' ORDER BY sequence_name""")


def bus_schema(url: str) -> dict:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {name: [tuple(row) for row in connection.execute(query)]
                    for name, query in (("columns", COLUMNS), ("constraints", CONSTRAINTS),
                                        ("indexes", INDEXES), ("sequences", SEQUENCES))}
    finally:
        engine.dispose()


def run_ops(url: str, *steps) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            operations = Operations(MigrationContext.configure(connection))
            for step in steps:
                step(operations)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def helper_schema():
    url = fresh_database("hch_bus_helper")
    run_ops(url, create_bus_tables)
    return bus_schema(url)


def test_the_helper_builds_both_tables(helper_schema):
    tables = {row[0] for row in helper_schema["columns"]}
    assert tables == {"inbox", "outbox"}
    assert ("inbox", "uq_inbox_consumer_event", "u", "UNIQUE (consumer, event_id)") in helper_schema["constraints"]
    assert [row[1] for row in helper_schema["indexes"] if row[0] == "outbox"] == [
        "ix_outbox_event_type", "ix_outbox_published_at", "outbox_event_id_key", "outbox_pkey"]


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_migration_builds_the_same_tables(helper_schema, service):
    assert bus_schema(migrated_database(service, f"hch_bus_{service}")) == helper_schema


def test_the_models_declare_the_same_tables(helper_schema):
    url = fresh_database("hch_bus_models")
    engine = create_engine(url)
    tables = [ChassisBase.metadata.tables[name] for name in ("outbox", "inbox")]
    ChassisBase.metadata.create_all(engine, tables=tables)
    engine.dispose()
    assert bus_schema(url) == helper_schema


def test_drop_removes_both_tables():
    url = fresh_database("hch_bus_drop")
    run_ops(url, create_bus_tables, drop_bus_tables)
    assert bus_schema(url) == {"columns": [], "constraints": [], "indexes": [], "sequences": []}


def test_sqlite_gets_the_same_statements_as_the_models(tmp_path):
    helper_url, models_url = f"sqlite:///{tmp_path / 'helper.db'}", f"sqlite:///{tmp_path / 'models.db'}"
    run_ops(helper_url, create_bus_tables)
    engine = create_engine(models_url)
    ChassisBase.metadata.create_all(engine, tables=[ChassisBase.metadata.tables[n] for n in ("outbox", "inbox")])
    engine.dispose()

    def master(url):
        engine = create_engine(url)
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT type, name, sql FROM sqlite_master ORDER BY name")).all()
        engine.dispose()
        return [(kind, name, " ".join((sql or "").split())) for kind, name, sql in rows]

    assert master(helper_url) == master(models_url)
