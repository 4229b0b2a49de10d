"""Over real RabbitMQ: the chassis consumer with the notifier's HANDLERS, then the delivery loops."""
from __future__ import annotations

import pytest
from kombu import Connection
from sqlalchemy import func, select

from chassis.bus.consumer import Consumer
from chassis.bus.publisher import open_publisher
from chassis.bus.settings import BusSettings
from chassis.bus.topology import dead_queue_name, retry_queue_name, service_queue_name, unroutable_queue_name
from services.notifier.consumers import HANDLERS
from services.notifier.db.models import Message, WebhookDelivery
from services.notifier.operations.mail_delivery import MailSender
from services.notifier.operations.webhook_delivery import WebhookSender
from tests.infra import rabbitmq_url, unique_exchange
from tests.notifier.receiver import WebhookReceiver
from tests.notifier.support import access_granted, envelope, invoice, user, wait_for

pytestmark = pytest.mark.integration
SECRET = "whsec_Z3VpY2hldCBidXMgdGVzdHMsIDMyIGJ5dGVzIGxvbmc="  # base64 of 32 bytes


@pytest.fixture
def bus():
    settings = BusSettings(url=rabbitmq_url(), exchange=unique_exchange("notifier"), retry_delays=(0.3, 0.6),
                           confirm_timeout=5.0, reconnect_max_delay=1.0)
    yield settings
    names = [unroutable_queue_name(settings.exchange), service_queue_name(settings.exchange, "notifier"),
             dead_queue_name(settings.exchange, "notifier")]
    names += [retry_queue_name(settings.exchange, "notifier", delay) for delay in settings.retry_delays]
    with Connection(settings.url, connect_timeout=5) as connection:
        channel = connection.channel()
        for name in names:
            channel.queue_delete(name)
        channel.exchange_delete(settings.exchange)


def publish(bus_settings: BusSettings, *events) -> None:
    publisher = open_publisher(bus_settings, "test")
    try:
        publisher.publish_events([event.to_dict() for event in events])
    finally:
        publisher.close()


def count(db, model) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_handler_table_covers_every_catalogue_type_for_webhooks():
    from chassis.events.registry import catalogue_types
    assert {event_type for event_type, _ in catalogue_types()} <= set(HANDLERS)


def test_events_over_rabbitmq_give_one_email_and_one_webhook_each_even_when_duplicated(
        db, smtp, handlers, settings, client, cards_staff, bus):
    consumer = Consumer(service="notifier", db=db, handlers=handlers, settings=bus)
    consumer.declare()
    with WebhookReceiver(SECRET) as receiver:
        assert client.post("/webhooks", json={"url": receiver.url, "events": ["billing.invoice_issued"],
                                              "secret": SECRET}, headers=cards_staff).status_code == 201
        issued = envelope("billing.invoice_issued", invoice())
        publish(bus, issued, issued)  # at-least-once: the same event twice
        publish(bus, issued)
        try:
            assert wait_for(lambda: consumer.drain(timeout=0.3) == 0 and count(db, Message) == 1, timeout=10)
        finally:
            consumer.close()
        MailSender(db, settings).run_once()
        WebhookSender(db, settings).run_once()

    assert len(smtp.received) == 1
    assert smtp.received[0]["Subject"] == "Facture F-2026-00042 — Guichet — Demande de cartes"
    assert count(db, WebhookDelivery) == 1
    assert len(receiver.requests) == 1 and receiver.requests[0]["valid"]


def test_an_event_about_a_user_not_known_yet_is_retried_by_the_bus(db, smtp, handlers, settings, bus):
    consumer = Consumer(service="notifier", db=db, handlers=handlers, settings=bus)
    consumer.declare()
    publish(bus, envelope("productions.access_granted", access_granted()))
    try:
        consumer.drain(timeout=0.2)  # fails: the directory does not know the user yet -> retry queue
        assert count(db, Message) == 0
        publish(bus, envelope("auth.user_registered", user(roles=("member",))))
        assert wait_for(lambda: (consumer.drain(timeout=0.2), count(db, Message) == 2)[1], timeout=10)
    finally:
        consumer.close()
    MailSender(db, settings).run_once()
    assert sorted(str(m["Subject"]) for m in smtp.to("marie@example.test")) == [
        "Accès au SET autorisé : Les Grands Froids", "Bienvenue au portail de l'AQPM"]
