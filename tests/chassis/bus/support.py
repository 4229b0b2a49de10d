"""Shared pieces of the bus tests: a test event type, an "effects" table, broker clean-up."""
from __future__ import annotations

import threading
from contextlib import contextmanager

from kombu import Connection
from marshmallow import Schema, fields
from sqlalchemy import Integer, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from chassis.bus.outbox import record_event
from chassis.bus.settings import BusSettings
from chassis.bus.tables import ChassisBase
from chassis.bus.topology import dead_queue_name, retry_queue_name, service_queue_name, unroutable_queue_name
from chassis.db import Database
from chassis.events.registry import event_schema
from tests.infra import fresh_database, rabbitmq_url, unique_exchange

EVENT_TYPE = "bustest.effect_requested"
OTHER_TYPE = "bustest.nobody_listens"


class EffectRequested(Schema):
    """Test-only event: asks a consumer to write one row in its effects table."""
    key = fields.String(required=True)


for _type in (EVENT_TYPE, OTHER_TYPE):
    try:
        event_schema(_type, 1)(type(f"Schema_{_type.replace('.', '_')}", (EffectRequested,), {}))
    except RuntimeError:  # already registered by another test module
        pass


class EffectsBase(DeclarativeBase):
    pass


class Effect(EffectsBase):
    """What a test handler does: one row an event (no unique key: only the inbox prevents doubles)."""
    __tablename__ = "bus_test_effects"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(80))
    event_id: Mapped[str] = mapped_column(String(36))
    correlation_id: Mapped[str] = mapped_column(String(64))


def record_effect(session, envelope) -> None:
    session.add(Effect(key=envelope.payload["key"], event_id=envelope.id, correlation_id=envelope.correlation_id))


def make_database(name: str) -> Database:
    db = Database(fresh_database(f"chassis_bus_{name}"))
    ChassisBase.metadata.create_all(db.engine)
    EffectsBase.metadata.create_all(db.engine)
    return db


def make_settings(**overrides) -> BusSettings:
    values = dict(url=rabbitmq_url(), exchange=unique_exchange("bus"), retry_delays=(0.2, 0.4), confirm_timeout=5.0,
                  relay_idle_sleep=0.05, reconnect_max_delay=1.0)
    values.update(overrides)
    return BusSettings(**values)


def emit(db: Database, key: str, producer: str = "bustest", event_type: str = EVENT_TYPE, sensitive: bool = False):
    with db.transaction() as session:
        return record_event(session, producer, event_type, {"key": key}, sensitive=sensitive)


def effect_count(db: Database, key: str | None = None) -> int:
    with db.reading() as session:
        query = select(func.count(Effect.id))
        return session.scalar(query.where(Effect.key == key) if key is not None else query)


def effects(db: Database) -> list[Effect]:
    with db.reading() as session:
        return list(session.scalars(select(Effect).order_by(Effect.id)))


def delete_broker_objects(settings: BusSettings, services: list[str]) -> None:
    """Removes the test's exchange and queues from RabbitMQ."""
    ex = settings.exchange
    names = [unroutable_queue_name(ex)]
    for service in services:
        names += [service_queue_name(ex, service), dead_queue_name(ex, service)]
        names += [retry_queue_name(ex, service, delay) for delay in settings.retry_delays]
    with Connection(settings.url, connect_timeout=5) as connection:
        channel = connection.channel()
        for name in names:
            try:
                channel.queue_delete(name)
            except Exception:
                channel = connection.channel()
        try:
            channel.exchange_delete(ex)
        except Exception:
            pass

PROBE = "probe"
TEST_SERVICES = ("fx", "corr", PROBE)


def bind_probe(settings: BusSettings, routing_key: str = "#") -> str:
    """A queue of the test's own that sees every event of the exchange (to count what was published)."""
    from chassis.bus.topology import declare_exchange, service_queue
    with Connection(settings.url, connect_timeout=5) as connection:
        channel = connection.channel()
        declare_exchange(channel, settings.exchange)
        queue = service_queue(settings.exchange, PROBE, [routing_key])(channel)
        queue.declare()
        return queue.name


def take_all(settings: BusSettings, queue_name: str) -> list[tuple[dict, dict]]:
    """Removes and returns every message of ``queue_name`` as (headers, envelope)."""
    import json

    from chassis.bus.topology import plain_queue
    taken = []
    with Connection(settings.url, connect_timeout=5) as connection:
        queue = plain_queue(queue_name)(connection.channel())
        while (message := queue.get(no_ack=True)) is not None:
            taken.append((dict(message.headers or {}), json.loads(message.body)))
    return taken


@contextmanager
def running_in_thread(worker, join_timeout: float = 5.0):
    """``worker.run_forever(stop)`` (a relay, a consumer) in a thread for the block; stopped and joined after."""
    stop = threading.Event()
    thread = threading.Thread(target=worker.run_forever, args=(stop,))
    thread.start()
    try:
        yield thread
    finally:
        stop.set()
        thread.join(join_timeout)
