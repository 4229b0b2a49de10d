"""The notifier's Alembic migrations reach the models on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from chassis.bus.tables import ChassisBase
from chassis.migrations import upgrade
from services.notifier.db.models import Base


def differences(url: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, [Base.metadata, ChassisBase.metadata])
    finally:
        engine.dispose()


def test_sqlite_head_matches_the_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'notifier.db'}"
    upgrade("notifier", url)
    assert differences(url) == []
    engine = create_engine(url)
    assert {"outbox", "inbox", "messages", "recipients", "webhooks", "webhook_deliveries",
            "webhook_attempts"} <= set(inspect(engine).get_table_names())
    engine.dispose()


@pytest.mark.integration
def test_postgres_head_matches_the_models(module_db):
    assert differences(module_db.url) == []
