"""The productions migrations also run on SQLite (the embedded stack), outbox and inbox included."""
from sqlalchemy import create_engine, inspect

from chassis.migrations import upgrade


def test_migrations_reach_head_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'productions.db'}"
    upgrade("productions", url)
    tables = set(inspect(create_engine(url)).get_table_names())
    assert {"houses", "house_admins", "known_users", "producers", "producer_houses", "sheets", "sheet_access",
            "handoffs", "signing_keys", "audit_entries", "outbox", "inbox", "alembic_version"} <= tables


def test_models_and_migrations_agree_on_postgresql():
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from chassis.bus.tables import ChassisBase
    from services.productions.db.models import Base
    from tests.infra import migrated_database

    engine = create_engine(migrated_database("productions", "productions_migrations"))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, [Base.metadata, ChassisBase.metadata]) == []
    finally:
        engine.dispose()
