"""One trace across three services (issue 21, item 4): a trainer's HTTP submit to cards, cards' outbox relay,
billing's consumer (which issues the invoice), billing's relay, the notifier's consumer and the email's send.

In one process, so that one in-memory exporter sees the spans of every service: the real apps, real
PostgreSQL databases (one a service), a real RabbitMQ exchange, the chassis relay and consumers, the notifier's
mail sender and a real SMTP server on loopback. Each service's spans carry its own ``service.name``.
"""
from __future__ import annotations

import pytest
from opentelemetry.trace import SpanKind
from sqlalchemy import select

from chassis.bus.consumer import Consumer
from chassis.bus.relay import OutboxRelay
from chassis.bus.settings import BusSettings
from chassis.db import Database
from chassis.testing.tokens import TokenFactory
from services.billing.app import create_app as create_billing_app
from services.billing.config import load_config as billing_config
from services.billing.consumers import HANDLERS as BILLING_HANDLERS
from services.cards.app import create_app as create_cards_app
from services.cards.config import load_config as cards_config
from services.notifier.app import create_app as create_notifier_app
from services.notifier.consumers import build_handlers
from services.notifier.db.models import Message
from services.notifier.operations.mail_delivery import MailSender
from tests.cards.helpers import participant_form, seed_trainer, session_form
from tests.chassis.bus.support import delete_broker_objects
from tests.infra import migrated_database, rabbitmq_url, unique_exchange
from tests.notifier.support import SmtpSink, make_config, make_settings

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]




@pytest.fixture
def databases():
    dbs = {name: Database(migrated_database(name, f"{name}_one_trace")) for name in ("cards", "billing", "notifier")}
    yield dbs
    for db in dbs.values():
        db.dispose()


@pytest.fixture
def bus():
    settings = BusSettings(url=rabbitmq_url(), exchange=unique_exchange("trace"), retry_delays=(0.2,),
                           confirm_timeout=5.0)
    yield settings
    delete_broker_objects(settings, ["billing", "notifier"])


@pytest.fixture
def smtp():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


def _relay(db: Database, bus: BusSettings, producer: str) -> int:
    relay = OutboxRelay(db, bus, producer=producer)
    try:
        return relay.run_once()
    finally:
        relay.close_publisher()


def test_a_submission_is_one_trace_from_the_request_to_the_invoice_email(spans, databases, bus, smtp):
    tokens = TokenFactory()
    cards_db, billing_db, notifier_db = databases["cards"], databases["billing"], databases["notifier"]
    notifier_settings = make_settings(notifier_db.url, smtp.port)
    cards = create_cards_app(cards_config(database_url=cards_db.url), db=cards_db, token_verifier=tokens.verifier())
    create_billing_app(billing_config(database_url=billing_db.url), db=billing_db, token_verifier=tokens.verifier())
    create_notifier_app(make_config(notifier_db.url, smtp.port), db=notifier_db, token_verifier=tokens.verifier())
    billing = Consumer(service="billing", db=billing_db, handlers=BILLING_HANDLERS, settings=bus)
    notifier = Consumer(service="notifier", db=notifier_db, handlers=build_handlers(notifier_settings), settings=bus)
    for consumer in (billing, notifier):
        consumer.declare()

    trainer = seed_trainer(cards_db)
    headers = tokens.headers(trainer["user_id"], ["trainer"])
    client = cards.test_client()
    session_id = client.post("/sessions", json=session_form(), headers=headers).json["id"]
    client.post(f"/sessions/{session_id}/participants", json=participant_form(), headers=headers)
    submitted = client.post(f"/sessions/{session_id}/submit",
                            json={"payment_method": "cheque", "billed_to": "individual"}, headers=headers)
    assert submitted.status_code == 202, submitted.json

    try:
        assert _relay(cards_db, bus, "cards") >= 1
        assert billing.drain(timeout=0.5) >= 1
        assert _relay(billing_db, bus, "billing") >= 1
        assert notifier.drain(timeout=0.5) >= 1
    finally:
        billing.close()
        notifier.close()
    sender = MailSender(notifier_db, notifier_settings)
    assert sender.run_once() == 1
    [sent] = smtp.received
    assert [part.get_filename() for part in sent.iter_attachments()][0].endswith(".pdf")  # the invoice

    finished = spans.get_finished_spans()

    def one(kind: SpanKind, service: str, name) -> object:
        found = [span for span in finished if span.kind == kind and span.resource.attributes["service.name"] == service
                 and name(span.name)]
        assert len(found) == 1, (kind, service, [span.name for span in found])
        return found[0]

    request = one(SpanKind.SERVER, "cards", lambda name: name == "POST /sessions/<session_id>/submit")
    chain = [
        request,
        one(SpanKind.PRODUCER, "cards", lambda name: name == "publish cards.session_submitted"),
        one(SpanKind.CONSUMER, "billing", lambda name: name == "process cards.session_submitted"),
        one(SpanKind.PRODUCER, "billing", lambda name: name == "publish billing.invoice_issued"),
        one(SpanKind.CONSUMER, "notifier", lambda name: name == "process billing.invoice_issued"),
        one(SpanKind.CLIENT, "notifier", lambda name: name == "send email"),
    ]
    assert request.parent is None  # no traceparent came with the request: the trace starts there
    assert {span.context.trace_id for span in chain} == {request.context.trace_id}
    for parent, child in zip(chain, chain[1:], strict=False):
        assert child.parent is not None and child.parent.span_id == parent.context.span_id, (parent.name, child.name)
    assert chain[-1].attributes["guichet.email.template"] == "invoice_issued"

    # SQL statements are spans of the same trace: the submit's own, and the ones of billing's handler.
    statements = [span for span in finished if span.instrumentation_scope.name.endswith("sqlalchemy")
                  and span.context.trace_id == request.context.trace_id]
    assert any(span.parent.span_id == request.context.span_id for span in statements)
    assert any(span.parent.span_id == chain[2].context.span_id for span in statements)

    with notifier_db.reading() as session:
        stored = session.scalar(select(Message.trace).where(Message.template == "invoice_issued"))
    assert int(stored["traceparent"].split("-")[2], 16) == chain[4].context.span_id
