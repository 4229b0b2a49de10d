"""Over real RabbitMQ and PostgreSQL: submit -> ``cards.session_submitted`` on the bus (outbox relay);
billing's and auth's events published on the bus -> the cards consumer moves statuses, once each,
never backwards, whatever the order."""
from __future__ import annotations

import json

import pytest
from kombu import Connection

from chassis.bus.consumer import Consumer
from chassis.bus.publisher import open_publisher
from chassis.bus.relay import OutboxRelay
from chassis.bus.settings import BusSettings
from chassis.bus.topology import (
    dead_queue_name,
    declare_exchange,
    plain_queue,
    retry_queue_name,
    service_queue,
    service_queue_name,
    unroutable_queue_name,
)
from services.cards.consumers import HANDLERS
from tests.cards.helpers import envelope, participant_form, random_card_number, session_form, user_payload
from tests.infra import rabbitmq_url, unique_exchange

pytestmark = pytest.mark.integration
PROBE = "cards_probe"


@pytest.fixture(scope="module")
def bus():
    settings = BusSettings(url=rabbitmq_url(), exchange=unique_exchange("cards"), retry_delays=(0.2,),
                           confirm_timeout=5.0)
    with Connection(settings.url, connect_timeout=5) as connection:
        channel = connection.channel()
        declare_exchange(channel, settings.exchange)
        service_queue(settings.exchange, PROBE, ["cards.#"])(channel).declare()
    yield settings
    names = [unroutable_queue_name(settings.exchange), service_queue_name(settings.exchange, PROBE)]
    names += [service_queue_name(settings.exchange, "cards"), dead_queue_name(settings.exchange, "cards")]
    names += [retry_queue_name(settings.exchange, "cards", delay) for delay in settings.retry_delays]
    with Connection(settings.url, connect_timeout=5) as connection:
        channel = connection.channel()
        for name in names:
            channel.queue_delete(name)
        channel.exchange_delete(settings.exchange)


@pytest.fixture(scope="module")
def consumer(bus, db):
    worker = Consumer(service="cards", db=db, handlers=HANDLERS, settings=bus)
    worker.declare()
    yield worker
    worker.close()


def published_cards_events(bus) -> list[dict]:
    taken = []
    with Connection(bus.url, connect_timeout=5) as connection:
        queue = plain_queue(service_queue_name(bus.exchange, PROBE))(connection.channel())
        while (message := queue.get(no_ack=True)) is not None:
            taken.append(json.loads(message.body))
    return taken


def publish(bus, *envelopes) -> None:
    publisher = open_publisher(bus, "billing-test")
    try:
        publisher.publish_events([env.to_dict() for env in envelopes])
    finally:
        publisher.close()


def billing_event(event_type: str, session_id: str):
    payload = {"invoice_id": "inv-9", "number": "F-0009", "session_id": session_id}
    if event_type == "billing.invoice_issued":
        payload.update(customer_user_id="u", email="f@exemple.qc.ca", name="X", total="4.00", balance="4.00",
                       currency="CAD", payment_method="cheque", pdf_base64="JVBERg==")
    return envelope(event_type, payload, "billing")


def test_the_whole_trip_over_the_bus(client, db, tokens, bus, consumer):
    # the trainer becomes known through auth's event on the bus (as the backfill would send it)
    user_id = "bus-trainer-1"
    publish(bus, envelope("auth.user_updated", user_payload(user_id, card_number=random_card_number()), "auth"))
    assert consumer.drain(timeout=0.5) == 1
    headers = tokens.headers(user_id, ["trainer"])
    session_id = client.post("/sessions", json=session_form(), headers=headers).json["id"]
    for name in ("Anne", "Béatrice"):
        client.post(f"/sessions/{session_id}/participants", json=participant_form(first_name=name), headers=headers)
    submitted = client.post(f"/sessions/{session_id}/submit",
                            json={"payment_method": "direct_deposit", "billed_to": "individual"}, headers=headers)
    assert submitted.status_code == 202

    relay = OutboxRelay(db, bus, producer="cards")
    assert relay.run_once() >= 1
    relay.close_publisher()
    events = [e for e in published_cards_events(bus) if e["payload"]["session_id"] == session_id]
    assert [e["type"] for e in events] == ["cards.session_submitted"]
    payload = events[0]["payload"]
    assert payload["participant_count"] == 2 and payload["total"] == "4.00"
    assert payload["bill_to"]["kind"] == "individual" and payload["bill_to"]["name"] == "Claude Éthier"

    # billing answers out of order and twice: paid first, then issued, then paid again (same event)
    paid = billing_event("billing.invoice_paid", session_id)
    issued = billing_event("billing.invoice_issued", session_id)
    publish(bus, paid, issued, paid)
    assert consumer.drain(timeout=0.5) == 3
    body = client.get(f"/sessions/{session_id}", headers=headers).json
    assert body["status"] == "paid" and body["invoiced_at"] is None
    attestations = client.get(f"/sessions/{session_id}/attestations", headers=headers).json
    assert attestations["total"] == 2

    relay = OutboxRelay(db, bus, producer="cards")
    relay.run_once()
    relay.close_publisher()
    issued_events = [e for e in published_cards_events(bus) if e["payload"]["session_id"] == session_id]
    assert [e["type"] for e in issued_events] == ["cards.cards_issued"]
    assert issued_events[0]["payload"]["attestation_count"] == 2
    assert {a["code"] for a in issued_events[0]["payload"]["attestations"]} == \
        {a["code"] for a in attestations["items"]}
