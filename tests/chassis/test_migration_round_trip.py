"""Every service's migrations go down to nothing and up again: each revision's downgrade undoes its upgrade,
including the revisions written with the chassis helpers (bus tables, account status)."""
from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect

from chassis.migrations import alembic_config, upgrade
from tests.infra import fresh_database

SERVICES = ("auth", "billing", "cards", "notifier", "productions")


def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


@pytest.mark.parametrize("service", SERVICES)
def test_down_to_base_and_up_again_on_postgresql(service):
    url = fresh_database(f"roundtrip_{service}")
    upgrade(service, url)
    at_head = table_names(url)
    assert {"outbox", "inbox", "account_status"} <= at_head

    command.downgrade(alembic_config(service, url), "base")
    assert table_names(url) == set()

    upgrade(service, url)
    assert table_names(url) == at_head


@pytest.mark.parametrize("service", SERVICES)
def test_down_to_base_and_up_again_on_sqlite(service, tmp_path):
    url = f"sqlite:///{tmp_path}/{service}.db"
    upgrade(service, url)
    at_head = table_names(url)
    command.downgrade(alembic_config(service, url), "base")
    assert table_names(url) == set()
    upgrade(service, url)
    assert table_names(url) == at_head
