"""Signed webhooks (X9) against a real receiver on loopback, with PostgreSQL. The receiver verifies every delivery
with the stock Standard Webhooks library (tests/notifier/receiver.py), as an integrator would."""
from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from standardwebhooks import Webhook, WebhookVerificationError

from services.notifier.db.models import Webhook as Subscription
from services.notifier.db.models import WebhookDelivery
from services.notifier.domain.secret_box import SecretBox
from services.notifier.domain.webhook_signing import new_secret
from services.notifier.operations.delivery_loops import DeliveryLoops
from services.notifier.operations.webhook_delivery import WebhookSender
from tests.notifier.receiver import WebhookReceiver
from tests.notifier.support import envelope, handle, invoice, make_settings, trainer, wait_for, with_password

pytestmark = pytest.mark.integration
SECRET = "whsec_Z3VpY2hldCB3ZWJob29rIHRlc3RzLCAzMiBieXRlcyE="  # base64 of 32 bytes


def subscribe(client, headers, url, events, secret=SECRET):
    response = client.post("/webhooks", json={"url": url, "events": events, "secret": secret}, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def deliveries(client, headers, hook_id):
    response = client.get(f"/webhooks/{hook_id}/deliveries", headers=headers)
    assert response.status_code == 200
    return response.json


def test_a_delivery_from_the_running_loop_verifies_with_the_stock_library_and_a_forgery_does_not(
        db, client, cards_staff, handlers, settings):
    loops = DeliveryLoops(db, settings, wait_clock=lambda: 0.0)  # frozen: only the commit's wake-up sends
    with WebhookReceiver(b"unknown yet") as receiver:
        hook = client.post("/webhooks", json={"url": receiver.url, "events": ["billing.invoice_issued"]},
                           headers=cards_staff).json
        receiver.secret = hook["secret"]  # generated, shown once: what the integrator keeps
        loops.start()
        try:
            event = envelope("billing.invoice_issued", invoice())
            handle(db, handlers, event)
            assert wait_for(lambda: len(receiver.requests) == 1, timeout=30)
        finally:
            loops.stop()

    [request] = receiver.requests
    assert request["valid"], request["refused"]
    headers, body = request["headers"], request["body"]
    assert headers["webhook-id"] == event.id and headers["webhook-signature"].startswith("v1,")
    assert not any(name.startswith("guichet-") for name in headers)
    verified = Webhook(hook["secret"]).verify(body, headers)
    assert verified["id"] == event.id and verified["payload"]["number"] == "F-2026-00042"

    tampered = json.dumps({**verified, "payload": {**verified["payload"], "balance": "0.00"}},
                          ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    assert tampered != body
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook(hook["secret"]).verify(tampered, headers)
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook(new_secret()).verify(body, headers)
    with pytest.raises(WebhookVerificationError, match="No matching signature"):  # another event's id, same body
        Webhook(hook["secret"]).verify(body, {**headers, "webhook-id": str(uuid.uuid4())})
    [delivery] = deliveries(client, cards_staff, hook["id"])["items"]
    assert delivery["status"] == "delivered" and delivery["attempts"] == 1


def test_every_attempt_is_signed_again_with_the_same_webhook_id(db, client, cards_staff, handlers, webhook_sender):
    with WebhookReceiver(SECRET, statuses=[500, 500]) as receiver:
        hook = subscribe(client, cards_staff, receiver.url, ["billing.invoice_issued"])
        event = envelope("billing.invoice_issued", invoice())
        handle(db, handlers, event)
        for _ in range(3):
            webhook_sender.run_once()

    assert len(receiver.requests) == 3 and all(request["valid"] for request in receiver.requests)
    assert [request["headers"]["webhook-id"] for request in receiver.requests] == [event.id] * 3
    body = receiver.events()[0]
    assert body["id"] == event.id and body["type"] == "billing.invoice_issued"
    assert body["payload"]["number"] == "F-2026-00042" and "pdf_base64" not in body["payload"]
    log = deliveries(client, cards_staff, hook["id"])
    assert log["total"] == 1
    [delivery] = log["items"]
    assert delivery["status"] == "delivered" and delivery["attempts"] == 3
    assert [a["status_code"] for a in delivery["attempt_log"]] == [500, 500, 200]
    assert [a["number"] for a in delivery["attempt_log"]] == [1, 2, 3]


def test_an_attempt_signed_too_long_ago_is_refused_and_the_retry_signed_at_its_own_time_passes(
        db, client, cards_staff, handlers, settings):
    late = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=6)  # the library's tolerance is 5 minutes
    with WebhookReceiver(SECRET) as receiver:
        hook = subscribe(client, cards_staff, receiver.url, ["billing.invoice_issued"])
        event = envelope("billing.invoice_issued", invoice())
        handle(db, handlers, event)
        with db.transaction() as session:  # due by the clock of the sender below
            session.execute(update(WebhookDelivery).values(next_attempt_at=late))
        WebhookSender(db, settings, clock=lambda: late).run_once()
        now = datetime.now(UTC).replace(microsecond=0)
        WebhookSender(db, settings, clock=lambda: now).run_once()

    stale, fresh = receiver.requests
    assert stale["headers"]["webhook-timestamp"] == str(int(late.timestamp()))
    assert not stale["valid"] and stale["refused"] == "Message timestamp too old"
    assert fresh["valid"] and fresh["headers"]["webhook-timestamp"] == str(int(now.timestamp()))
    assert stale["headers"]["webhook-id"] == fresh["headers"]["webhook-id"] == event.id
    assert stale["body"] == fresh["body"]
    [delivery] = deliveries(client, cards_staff, hook["id"])["items"]
    assert [a["status_code"] for a in delivery["attempt_log"]] == [400, 200] and delivery["status"] == "delivered"


def test_a_webhook_created_before_with_a_secret_of_the_old_form_is_signed_with_its_raw_bytes(
        db, client, cards_staff, handlers, settings, webhook_sender):
    old_form = "whsec_test_0123456789abcdef"  # accepted before the Standard Webhooks form was required
    with WebhookReceiver(old_form.encode()) as receiver:
        with db.transaction() as session:
            session.add(Subscription(id=str(uuid.uuid4()), portal="cards", url=receiver.url,
                                     events=["billing.invoice_issued"], secret_ciphertext=SecretBox(settings).seal(
                                         old_form), created_by="staff-cards", created_at=datetime.now(UTC)))
        event = envelope("billing.invoice_issued", invoice())
        handle(db, handlers, event)
        webhook_sender.run_once()

    [request] = receiver.requests
    assert request["valid"], request["refused"]
    assert request["headers"]["webhook-id"] == event.id
    with pytest.raises(WebhookVerificationError):  # the library's base64 reading of that text is another key
        Webhook(old_form).verify(request["body"], request["headers"])


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
        event = envelope("billing.invoice_issued", invoice())
        handle(db, handlers, event)
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
    assert {request["headers"]["webhook-id"] for request in receiver.requests} == {event.id}  # the replay too


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
