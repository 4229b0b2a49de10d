"""Fixtures of the bus tests: a PostgreSQL database per module, an exchange per test."""
from __future__ import annotations

import pytest
from sqlalchemy import delete

from chassis.bus.tables import InboxMessage, OutboxMessage
from tests.chassis.bus.support import TEST_SERVICES, Effect, delete_broker_objects, make_database, make_settings


@pytest.fixture(scope="module")
def module_db(request):
    name = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    database = make_database(name)
    yield database
    database.dispose()


@pytest.fixture
def db(module_db):
    with module_db.transaction() as session:
        for table in (OutboxMessage, InboxMessage, Effect):
            session.execute(delete(table))
    return module_db


@pytest.fixture
def settings():
    bus_settings = make_settings()
    yield bus_settings
    delete_broker_objects(bus_settings, list(TEST_SERVICES))
