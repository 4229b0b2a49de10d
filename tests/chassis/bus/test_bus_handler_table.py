"""A consumer refuses to start on a handler table that names an event type the catalogue does not know."""
from __future__ import annotations

from importlib import import_module

import pytest

from chassis.bus.consumer import Consumer
from chassis.bus.handlers import UnknownHandlerType, check_handler_table
from chassis.bus.settings import BusSettings
from chassis.db import Database
from tests.chassis.bus.support import EVENT_TYPE, record_effect

SERVICES = ("auth", "billing", "cards", "notifier", "productions")


def test_a_consumer_with_an_unknown_key_refuses_to_start(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'fx.db'}")
    handlers = {EVENT_TYPE: record_effect, "cards.sesion_submitted": record_effect}
    with pytest.raises(UnknownHandlerType, match=r"handler table of fx .*: cards\.sesion_submitted$"):
        Consumer(service="fx", db=db, handlers=handlers, settings=BusSettings(url="memory://"))
    db.dispose()


def test_a_consumer_with_catalogued_keys_starts(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'fx.db'}")
    consumer = Consumer(service="fx", db=db, handlers={EVENT_TYPE: record_effect}, settings=BusSettings(url="memory://"))
    assert set(consumer.handlers) == {EVENT_TYPE}
    db.dispose()


@pytest.mark.parametrize("service", SERVICES)
def test_every_services_handler_table_is_catalogued(service):
    handlers = import_module(f"services.{service}.consumers").HANDLERS
    check_handler_table(service, handlers)  # raises on an unknown key
