"""Signed webhooks (X9) against a real receiver on loopback, with PostgreSQL."""
from __future__ import annotations

import pytest

from services.notifier.operations.webhook_delivery import WebhookSender
from tests.notifier.receiver import WebhookReceiver
from tests.notifier.support import envelope, handle, invoice, make_settings, trainer, with_password

pytestmark = pytest.mark.integration
SECRET = "whsec_test_0123456789abcdef"


def subscribe(client, headers, url, events, secret=SECRET):
    response = client.post("/webhooks", json={"url": url, "events": events, "secret": secret}, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def deliveries(client, headers, hook_id):
    response = client.get(f"/webhooks/{hook_id}/deliveries", headers=headers)
    assert response.status_code == 200
    return response.json


def test_signed_delivery_with_retries_after_500(db, client, cards_staff, handlers, webhook_sender):
    with WebhookReceiver(SECRET, statuses=[500, 500]) as receiver:
        hook = subscribe(client, cards_staff, receiver.url, ["billing.invoice_issued"])
        event = envelope("billing.invoice_issued", invoice())
        handle(db, handlers, event)
        for _ in range(3):
            webhook_sender.run_once()

    assert len(receiver.requests) == 3 and all(request["valid"] for request in receiver.requests)
    assert {request["headers"]["Guichet-Event-Id"] for request in receiver.requests} == {event.id}
    assert receiver.requests[0]["headers"]["Guichet-Event-Type"] == "billing.invoice_issued"
    body = receiver.events()[0]
    assert body["id"] == event.id and body["payload"]["number"] == "F-2026-00042"
    assert "pdf_base64" not in body["payload"]
    log = deliveries(client, cards_staff, hook["id"])
    assert log["total"] == 1
    [delivery] = log["items"]
    assert delivery["status"] == "delivered" and delivery["attempts"] == 3
    assert [a["status_code"] for a in delivery["attempt_log"]] == [500, 500, 200]
    assert [a["number"] for a in delivery["attempt_log"]] == [1, 2, 3]


def test_a_tampered_body_fails_verification(db):
    from services.notifier.domain.signing import signature_header, verify_signature_header
    header = signature_header(SECRET, 1_700_000_000, b'{"a":1}')
    assert verify_signature_header(SECRET, header, b'{"a":1}', 1_700_000_010)
    assert not verify_signature_header(SECRET, header, b'{"a":2}', 1_700_000_010)
    assert not verify_signature_header("other-secret-123456", header, b'{"a":1}', 1_700_000_010)
    assert not verify_signature_header(SECRET, header, b'{"a":1}', 1_700_001_000)  # too old: a replay


def test_temporary_passwords_never_leave_in_webhooks(db, client, cards_staff, handlers, webhook_sender):
    with WebhookReceiver(SECRET) as receiver:
        subscribe(client, cards_staff, receiver.url, ["auth.trainer_created"])
        handle(db, handlers, envelope("auth.trainer_created", with_password(trainer(), "Tmp-Secret-42")))
        webhook_sender.run_once()
    assert len(receiver.requests) == 1 and receiver.requests[0]["valid"]
    assert b"Tmp-Secret-42" not in receiver.requests[0]["body"]
    assert receiver.events()[0]["payload"]["username"] == "ethc123"


def test_failing_receiver_ends_failed_and_a_replay_delivers(db, client, cards_staff, handlers, settings):
    sender = WebhookSender(db, settings)
    with WebhookReceiver(SECRET, statuses=[503] * settings.webhook_max_attempts) as receiver:
        hook = subscribe(client, cards_staff, receiver.url, ["billing.invoice_issued"])
        handle(db, handlers, envelope("billing.invoice_issued", invoice()))
        for _ in range(settings.webhook_max_attempts + 1):
            sender.run_once()
        [delivery] = deliveries(client, cards_staff, hook["id"])["items"]
        assert delivery["status"] == "failed" and delivery["last_error"] == "HTTP 503"

        response = client.post(f"/webhooks/{hook['id']}/deliveries/{delivery['id']}/retry", headers=cards_staff)
        assert response.status_code == 200 and response.json["status"] == "pending"
        sender.run_once()
    [delivery] = deliveries(client, cards_staff, hook["id"])["items"]
    assert delivery["status"] == "delivered" and len(delivery["attempt_log"]) == settings.webhook_max_attempts + 1
    assert len(receiver.requests) == settings.webhook_max_attempts + 1


def test_a_slow_receiver_times_out_and_is_retried(db, client, cards_staff, handlers):
    sender = WebhookSender(db, make_settings(db.url, None, WEBHOOK_TIMEOUT_SECONDS="0.2"))
    with WebhookReceiver(SECRET, delay_seconds=0.5) as receiver:
        hook = subscribe(client, cards_staff, receiver.url, ["billing.invoice_issued"])
        handle(db, handlers, envelope("billing.invoice_issued", invoice()))
        sender.run_once()
    [delivery] = deliveries(client, cards_staff, hook["id"])["items"]
    assert delivery["status"] == "pending" and delivery["attempts"] == 1
    assert "Timeout" in delivery["attempt_log"][0]["error"] and delivery["attempt_log"][0]["status_code"] is None


def test_only_subscribed_types_of_the_webhook_portal_are_delivered(db, client, cards_staff, productions_staff,
                                                                    handlers, webhook_sender):
    with WebhookReceiver(SECRET) as cards_receiver, WebhookReceiver(SECRET) as aqpm_receiver:
        subscribe(client, cards_staff, cards_receiver.url, ["auth.user_registered", "billing.invoice_issued"])
        subscribe(client, productions_staff, aqpm_receiver.url, ["auth.user_registered"])
        handle(db, handlers, envelope("auth.user_registered", trainer()))
        handle(db, handlers, envelope("billing.payment_received",
                                      {k: v for k, v in invoice().items() if k in {
                                          "invoice_id", "number", "session_id", "customer_user_id", "email", "name",
                                          "balance", "currency", "language"}}
                                      | {"payment_id": "p-1", "method": "cheque", "amount": "24.00"}))
        webhook_sender.run_once()
    assert [event["type"] for event in cards_receiver.events()] == ["auth.user_registered"]
    assert aqpm_receiver.requests == []  # a trainer's account is ASSTSAS business, not AQPM's


def test_deleting_a_webhook_cancels_its_pending_deliveries(db, client, cards_staff, handlers, webhook_sender):
    with WebhookReceiver(SECRET) as receiver:
        hook = subscribe(client, cards_staff, receiver.url, ["billing.invoice_issued"])
        handle(db, handlers, envelope("billing.invoice_issued", invoice()))
        assert client.delete(f"/webhooks/{hook['id']}", headers=cards_staff).status_code == 204
        webhook_sender.run_once()
        handle(db, handlers, envelope("billing.invoice_issued", invoice()))
        webhook_sender.run_once()
    assert receiver.requests == []
    assert client.get(f"/webhooks/{hook['id']}", headers=cards_staff).status_code == 404


def test_the_target_is_checked_again_before_each_delivery(db, client, cards_staff, handlers):
    strict = WebhookSender(db, make_settings(db.url, None, WEBHOOKS_ALLOW_PRIVATE="0"))
    with WebhookReceiver(SECRET) as receiver:
        hook = subscribe(client, cards_staff, receiver.url, ["billing.invoice_issued"])  # the app allows loopback
        handle(db, handlers, envelope("billing.invoice_issued", invoice()))
        strict.run_once()
    assert receiver.requests == []
    [delivery] = deliveries(client, cards_staff, hook["id"])["items"]
    assert delivery["attempt_log"][0]["error"].startswith("refused target")
