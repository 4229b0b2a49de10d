"""Auth's events through the real relay and a real RabbitMQ: what arrives, what is purged, what is
never logged."""
import logging

import pytest
import structlog
from kombu import Connection, Exchange, Queue
from sqlalchemy import select

from chassis.bus.relay import OutboxRelay
from chassis.bus.settings import BusSettings
from chassis.bus.tables import OutboxMessage
from tests.auth.conftest import bearer, login, register, staff_token, unique_email
from tests.infra import rabbitmq_url, unique_exchange


@pytest.fixture()
def bus():
    """A topic exchange of this test only, and a queue that receives every auth event."""
    url, exchange_name = rabbitmq_url(), unique_exchange("auth")
    with Connection(url) as connection:
        exchange = Exchange(exchange_name, type="topic", durable=True)
        queue = Queue(f"{exchange_name}.observer", exchange, routing_key="auth.#", auto_delete=False, durable=False)
        queue(connection.default_channel).declare()
        yield BusSettings(url=url, exchange=exchange_name), connection, queue
        queue(connection.default_channel).delete()
        Queue(f"{exchange_name}.unroutable")(connection.default_channel).delete()
        exchange(connection.default_channel).delete()


def _drain(connection, queue) -> list[dict]:
    received = []
    bound = queue(connection.default_channel)
    while (message := bound.get(no_ack=True)) is not None:
        received.append(message.payload if isinstance(message.payload, dict) else message.decode())
    return received


def _publish_all(db, settings) -> int:
    relay = OutboxRelay(db, settings, producer="auth")
    try:
        total = 0
        while (published := relay.run_once()):
            total += published
        return total
    finally:
        relay.close_publisher()


def test_events_reach_the_bus_and_temporary_passwords_never_stay_nor_get_logged(client, db, bus, caplog, capfd):
    settings, connection, queue = bus
    caplog.set_level(logging.DEBUG)
    with structlog.testing.capture_logs() as structured:
        member = register(client)
        client.post("/password/forgot", json={"email": member["email"]})
        _, staff = staff_token(client, db, "cards_staff")
        trainer = client.post("/trainers", headers=bearer(staff), json={
            "card_number": "girm314-02", "first_name": "Mélanie", "last_name": "Girard",
            "email": unique_email("trainer")}).get_json()
        assert _publish_all(db, settings) >= 5
    events = _drain(connection, queue)
    by_type = {}
    for envelope in events:
        by_type.setdefault(envelope["type"], []).append(envelope)

    [reset] = [e for e in by_type["auth.password_reset_requested"] if e["payload"]["user_id"] == member["id"]]
    [created] = [e for e in by_type["auth.trainer_created"] if e["payload"]["user_id"] == trainer["id"]]
    registered = {e["payload"]["user_id"] for e in by_type["auth.user_registered"]}
    assert {member["id"], trainer["id"]} <= registered
    assert created["payload"]["username"] == "girm314" and created["producer"] == "auth"
    secrets = [reset["payload"]["temporary_password"], created["payload"]["temporary_password"]]

    # The temporary passwords work (they are the real ones) ...
    assert login(client, member["email"], secrets[0]).get_json()["must_change_password"] is True
    assert login(client, "girm314-02", secrets[1]).status_code == 200
    # ... their outbox rows are gone, the others are kept as sent ...
    with db.reading() as session:
        rows = session.scalars(select(OutboxMessage)).all()
        assert rows and all(not row.sensitive for row in rows)
        assert all(row.published_at is not None for row in rows)
        assert not [row for row in rows if row.event_type in {"auth.trainer_created",
                                                              "auth.password_reset_requested"}]
    # ... and no log line holds them (the capture works: the use cases' own lines are there).
    logged_events = {entry["event"] for entry in structured}
    assert {"password_reset_issued", "trainer_created"} <= logged_events
    everything_logged = repr(structured) + caplog.text + "".join(capfd.readouterr())
    for secret in secrets:
        assert secret not in everything_logged
