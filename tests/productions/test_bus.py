"""The users read model built from auth's events over real RabbitMQ; duplicates have one effect."""
from datetime import UTC, datetime, timedelta

import pytest
from kombu import Connection
from sqlalchemy import func, select, update

from chassis.bus.consumer import Consumer
from chassis.bus.outbox import record_event
from chassis.bus.relay import OutboxRelay
from chassis.bus.settings import BusSettings
from chassis.bus.tables import InboxMessage, OutboxMessage
from chassis.bus.topology import dead_queue_name, retry_queue_name, service_queue_name, unroutable_queue_name
from chassis.db import Database
from services.productions.consumers import HANDLERS
from services.productions.db.models import KnownUser
from tests.infra import migrated_database, rabbitmq_url, unique_exchange
from tests.productions.conftest import user_envelope

pytestmark = pytest.mark.integration


def _user(user_id: str, first_name: str, email: str) -> dict:
    return {"user_id": user_id, "email": email, "first_name": first_name, "last_name": "Lavoie",
            "roles": ["member"], "language": "fr"}


def _delete_broker_objects(settings: BusSettings) -> None:
    """This module's exchange and queues leave RabbitMQ with it."""
    exchange = settings.exchange
    names = [unroutable_queue_name(exchange), service_queue_name(exchange, "productions"),
             dead_queue_name(exchange, "productions")]
    names += [retry_queue_name(exchange, "productions", delay) for delay in settings.retry_delays]
    with Connection(settings.url, connect_timeout=5) as connection:
        channel = connection.channel()
        for name in names:
            channel.queue_delete(name)
        channel.exchange_delete(exchange)


@pytest.fixture(scope="module")
def bus(env):
    """An "auth side" outbox (a database of its own) relayed to a private exchange, and productions' consumer."""
    settings = BusSettings(url=rabbitmq_url(), exchange=unique_exchange("productions"), retry_delays=(0.2,))
    auth_db = Database(migrated_database("productions", "productions_bus_auth_side"), pool_size=1, max_overflow=1)
    consumer = Consumer(service="productions", db=env.db, handlers=HANDLERS, settings=settings)
    consumer.declare()
    relay = OutboxRelay(auth_db, settings, producer="auth")
    yield auth_db, relay, consumer
    consumer.close()
    relay.close_publisher()
    auth_db.dispose()
    _delete_broker_objects(settings)


def _known(env, user_id: str) -> KnownUser | None:
    with env.db.reading() as session:
        return session.get(KnownUser, user_id)


def test_registered_then_updated_users_reach_the_read_model(env, bus):
    auth_db, relay, consumer = bus
    with auth_db.transaction() as session:
        record_event(session, "auth", "auth.user_registered", _user("bus-u1", "Julie", "julie@example.test"))
        record_event(session, "auth", "auth.user_registered", _user("bus-u2", "Karim", "karim@example.test"))
    with auth_db.transaction() as session:
        record_event(session, "auth", "auth.user_updated", _user("bus-u1", "Julie", "JULIE.L@example.test"))
    assert relay.run_once() == 3
    assert consumer.drain(timeout=1.0) == 3
    julie, karim = _known(env, "bus-u1"), _known(env, "bus-u2")
    assert julie.email == "julie.l@example.test" and karim.first_name == "Karim"
    # the read model is what the type-ahead and the "registered users only" rule use
    staff = env.staff()
    created = env.client.post("/houses", headers=staff, json={"name": "Maison Bus", "delegate_ids": ["bus-u1"]})
    assert created.status_code == 201
    found = env.client.get("/users?q=julie.l", headers=staff).json
    assert [u["id"] for u in found["items"]] == ["bus-u1"]


def test_a_redelivered_event_has_one_effect(env, bus):
    auth_db, relay, consumer = bus
    with auth_db.transaction() as session:
        envelope = record_event(session, "auth", "auth.user_registered", _user("bus-u3", "Léo", "leo@example.test"))
    assert relay.run_once() == 1
    # the relay crashed before marking the row sent: the same event is published a second time
    with auth_db.transaction() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.event_id == envelope.id).values(published_at=None))
    assert relay.run_once() == 1
    assert consumer.drain(timeout=1.0) == 2
    with env.db.reading() as session:
        inbox_rows = session.scalar(select(func.count()).select_from(InboxMessage)
                                    .where(InboxMessage.event_id == envelope.id))
        users = session.scalar(select(func.count()).select_from(KnownUser).where(KnownUser.id == "bus-u3"))
    assert (inbox_rows, users) == (1, 1)


def test_an_older_update_arriving_late_does_not_overwrite_a_newer_one(env, bus):
    now = datetime.now(UTC)
    newer = user_envelope("bus-u4", "Mia", "Nouveau", "new@example.test", event_type="auth.user_updated",
                          occurred_at=now.isoformat())
    older = user_envelope("bus-u4", "Mia", "Ancien", "old@example.test", event_type="auth.user_updated",
                          occurred_at=(now - timedelta(minutes=5)).isoformat())
    for envelope in (newer, older):
        with env.db.transaction() as session:
            HANDLERS[envelope.type](session, envelope)
    user = _known(env, "bus-u4")
    assert (user.last_name, user.email) == ("Nouveau", "new@example.test")
