"""After a run of card payments, the card numbers and CVCs are nowhere: database, logs, events."""
import json
import re
import uuid

import pytest
import structlog
from kombu import Connection, Queue
from sqlalchemy import text

from chassis.bus.relay import OutboxRelay
from chassis.bus.settings import BusSettings
from chassis.bus.topology import topic_exchange
from services.billing.app import create_app
from tests.billing.conftest import trainer_headers
from tests.billing.support import issue
from tests.infra import rabbitmq_url, unique_exchange

pytestmark = pytest.mark.integration

CARDS = [("4242424242424242", "7391"), ("4000000000000002", "8264"), ("4000000000009995", "5917"),
         ("4000000000000069", "6482"), ("4000000000000127", "3759"), ("4000000000000119", "9146"),
         ("5555555555554444", "2837")]


def spaced(number: str) -> str:
    return " ".join(number[i:i + 4] for i in range(0, len(number), 4))


# A CVC's four digits can be a group of a random UUID (payment ids, event ids): those are not leaks.
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def leaks(haystack: str) -> list[str]:
    found = []
    without_uuids = UUID.sub("<uuid>", haystack)
    for number, cvc in CARDS:
        for form in (number, spaced(number), number[:12]):
            if form in haystack:
                found.append(form)
        if re.search(rf"(?<![0-9a-f]){cvc}(?![0-9a-f])", without_uuids, re.IGNORECASE):
            found.append(cvc)
    return found


def test_the_leak_finder_sees_a_cvc_but_not_a_uuid_group_that_spells_it():
    assert leaks('{"cvc": "9146"}') == ["9146"]
    assert leaks("card 4242 4242 4242 4242") == ["4242 4242 4242 4242"]
    assert leaks('{"payment_id": "fef2cf9e-1d39-45af-9146-6d7afb61a191"}') == []


class LeakyProvider:
    """A provider whose exception quotes the card: the billing code must not let it through."""
    name = "leaky"

    def charge(self, card, amount, currency, description, idempotency_key):
        raise RuntimeError(f"gateway refused card {card.number} cvc {card.cvc}")


@pytest.fixture()
def rendered_log_lines():
    """Every log line exactly as rendered (after the billing scrubber), for the test's duration."""
    lines: list[str] = []

    def record(_logger, _method, rendered):
        lines.append(rendered if isinstance(rendered, str) else json.dumps(rendered, default=str))
        return rendered

    processors = structlog.get_config()["processors"]
    processors.append(record)
    yield lines
    processors.remove(record)


def test_card_numbers_and_cvcs_are_nowhere_after_payments(app, config, db, tokens, rendered_log_lines):
    client = app.test_client()
    for number, cvc in CARDS:
        invoice = issue(db, payment_method="credit_card")
        headers = {**trainer_headers(tokens, invoice.owner_user_id), "Idempotency-Key": uuid.uuid4().hex}
        body = {"method": "credit_card", "card": {"number": spaced(number), "exp_month": 11, "exp_year": 2033,
                                                  "cvc": cvc, "holder": "Claude Éthier"}}
        response = client.post(f"/invoices/{invoice.id}/payments", json=body, headers=headers)
        assert response.status_code in (201, 402)
        assert leaks(response.get_data(as_text=True)) == []
        replay = client.post(f"/invoices/{invoice.id}/payments", json=body, headers=headers)
        assert replay.status_code == response.status_code

    # A provider failing with the card in its exception text: a 402, and a scrubbed log.
    leaky_app = create_app(config=config, db=db, token_verifier=tokens.verifier(), payment_provider=LeakyProvider())
    invoice = issue(db, payment_method="credit_card")
    number, cvc = CARDS[0]
    response = leaky_app.test_client().post(
        f"/invoices/{invoice.id}/payments",
        json={"method": "credit_card", "card": {"number": number, "exp_month": 11, "exp_year": 2033, "cvc": cvc,
                                                "holder": "C"}},
        headers={**trainer_headers(tokens, invoice.owner_user_id), "Idempotency-Key": "leaky-1"})
    assert response.status_code == 402 and response.json["error"]["reason"] == "processing_error"
    assert leaks(response.get_data(as_text=True)) == []

    # The log lines were captured (the approvals and declines are logged with brand and last 4) ...
    joined_logs = "\n".join(rendered_log_lines)
    assert "card_payment_approved" in joined_logs and "card_payment_declined" in joined_logs
    assert "card_payment_provider_failed" in joined_logs
    assert leaks(joined_logs) == []

    # ... and the database holds no card data, in any table.
    with db.reading() as session:
        tables = session.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars().all()
        dump = "\n".join(json.dumps([list(map(str, row)) for row in session.execute(text(f'SELECT * FROM "{t}"'))])
                         for t in tables)
    assert "4242" in dump  # the last 4 is kept: the dump is real
    assert leaks(dump) == []

    # The published event bodies (relayed to a real RabbitMQ exchange) hold none either.
    settings = BusSettings(url=rabbitmq_url(), exchange=unique_exchange("billing"))
    with Connection(settings.url) as connection:
        channel = connection.channel()
        topic_exchange(settings.exchange)(channel).declare()
        queue = Queue(f"{settings.exchange}.spy", exchange=topic_exchange(settings.exchange), routing_key="billing.#",
                      auto_delete=True)(channel)
        queue.declare()
        relay = OutboxRelay(db, settings, producer="billing")
        try:
            while relay.run_once():
                pass
        finally:
            relay.close_publisher()
        bodies = []
        while (message := queue.get(no_ack=True)) is not None:
            bodies.append(message.body.decode() if isinstance(message.body, bytes) else str(message.body))
        topic_exchange(settings.exchange)(channel).delete()
    assert any('"billing.payment_received"' in body for body in bodies)
    assert leaks("\n".join(bodies)) == []


def test_the_scrubber_masks_card_numbers_in_exception_reports(rendered_log_lines, app):
    from chassis.logging import get_logger

    try:
        raise ValueError("card 4242 4242 4242 4242 refused")
    except ValueError as error:
        get_logger("billing").error("boom", exc_info=error, card={"number": "4000000000000002", "cvc": "8264"})
    [line] = [line for line in rendered_log_lines if '"boom"' in line]
    assert leaks(line) == [] and "ValueError" in line and "card redacted" in line
