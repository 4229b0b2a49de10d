"""After card payments, no card number or CVC anywhere: in any table of any service's database, in
any log line, in any event body. Billing's own test (tests/billing/test_card_data_never_kept.py)
covers billing; this one follows the payments' events into their consumers (cards, notifier) and
scans the five services' databases, the log lines of the whole run and every outbox envelope."""
from __future__ import annotations

import json
import uuid

import pytest
import structlog
from sqlalchemy import select, text

from chassis.bus.inbox import claim
from chassis.bus.tables import OutboxMessage
from chassis.config import ServiceConfig
from chassis.events.envelope import Envelope
from chassis.events.registry import validate_payload
from tests.billing.support import issue
from tests.billing.test_card_data_never_kept import CARDS, leaks, spaced
from tests.fuzz.apps import SERVICES

pytestmark = pytest.mark.integration


@pytest.fixture()
def log_lines(platform):
    """Every log line as rendered (after billing's scrubber), once every app has set up its logging."""
    for service in SERVICES:
        platform[service]
    lines: list[str] = []

    def record(_logger, _method, rendered):
        lines.append(rendered if isinstance(rendered, str) else json.dumps(rendered, default=str))
        return rendered

    processors = structlog.get_config()["processors"]
    processors.append(record)
    yield lines
    processors.remove(record)


def consumers_of(platform) -> dict[str, tuple]:
    from services.cards.consumers import HANDLERS as cards_handlers
    from services.notifier.config import NotifierSettings
    from services.notifier.consumers import build_handlers

    notifier = platform["notifier"]
    config = ServiceConfig.from_env("notifier", database_url=notifier.db.url,
                                    extra=notifier.app.extensions["service_config"].extra)
    return {"cards": (platform["cards"].db, cards_handlers),
            "notifier": (notifier.db, build_handlers(NotifierSettings.from_config(config)))}


def deliver(envelopes: list[dict], consumers: dict[str, tuple]) -> int:
    """Hands each event to every consumer that handles its type, as the worker does (inbox + handler)."""
    handled = 0
    for data in envelopes:
        envelope = Envelope.from_dict(data)
        for service, (db, handlers) in consumers.items():
            if envelope.type in handlers:
                with db.transaction() as session:
                    if claim(session, service, envelope):
                        payload = validate_payload(envelope.type, envelope.version, envelope.payload)
                        handlers[envelope.type](session, Envelope(**{**envelope.__dict__, "payload": payload}))
                        handled += 1
    return handled


def dump(db) -> str:
    with db.reading() as session:
        tables = session.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).all()
        return "\n".join(json.dumps([list(map(str, row)) for row in session.execute(text(f'SELECT * FROM "{t}"'))],
                                    ensure_ascii=False) for t in tables)


def test_no_card_number_or_cvc_in_any_database_log_or_event(platform, log_lines):
    billing = platform["billing"]
    trainer = billing.people["trainer"][0]
    client = billing.client()
    statuses = []
    for number, cvc in CARDS:
        invoice = issue(billing.db, payment_method="credit_card", user_id=trainer.user_id)
        body = {"method": "credit_card", "card": {"number": spaced(number), "exp_month": 11, "exp_year": 2033,
                                                  "cvc": cvc, "holder": "Claude Éthier"}}
        response = client.post(f"/invoices/{invoice.id}/payments", json=body,
                               headers={**billing.headers(trainer), "Idempotency-Key": uuid.uuid4().hex})
        statuses.append(response.status_code)
        assert leaks(response.get_data(as_text=True)) == []
    assert 201 in statuses and 402 in statuses  # approvals and declines both happened

    with billing.db.reading() as session:
        envelopes = session.scalars(select(OutboxMessage.envelope).order_by(OutboxMessage.id)).all()
    assert any(e["type"] == "billing.payment_received" for e in envelopes)
    assert deliver(envelopes, consumers_of(platform)) > 0  # the events reached cards and the notifier

    every_database = {service: dump(platform[service].db) for service in SERVICES}
    assert "4242" in every_database["billing"]  # the last 4 digits are kept: the dump is real
    found = {service: leaks(text_) for service, text_ in every_database.items() if leaks(text_)}
    assert found == {}
    assert leaks("\n".join(json.dumps(e, ensure_ascii=False) for e in envelopes)) == []
    assert any("card_payment_approved" in line for line in log_lines)
    assert leaks("\n".join(log_lines)) == []
