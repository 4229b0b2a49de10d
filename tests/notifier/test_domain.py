"""Pure rules: backoff, portals, SSRF address checks, webhook body and secrets (the email templates:
test_mail_templates)."""
from __future__ import annotations

import base64

import pytest

from services.notifier.domain.addresses import TargetRefused, check_target, is_public_address
from services.notifier.domain.backoff import retry_delay_seconds
from services.notifier.domain.portals import event_portals, producer_allowed, staff_portals, user_portal
from services.notifier.domain.webhook_payload import webhook_body
from services.notifier.domain.webhook_signing import is_standard_secret, new_secret


def test_backoff_doubles_up_to_the_ceiling():
    assert [retry_delay_seconds(n, 30, 600) for n in range(0, 7)] == [0, 30, 60, 120, 240, 480, 600]


@pytest.mark.parametrize("address, public", [("8.8.8.8", True), ("2001:4860:4860::8888", True),
                                             ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.1", False),
                                             ("192.168.0.1", False), ("169.254.169.254", False), ("::1", False),
                                             ("fe80::1", False), ("fc00::1", False), ("100.64.0.1", False),
                                             ("0.0.0.0", False), ("224.0.0.1", False), ("::ffff:10.0.0.1", False)])
def test_public_addresses(address, public):
    assert is_public_address(address) is public


def test_a_name_resolving_to_any_private_address_is_refused():
    with pytest.raises(TargetRefused):
        check_target("https://hooks.example.com/x", False, resolver=lambda host, port: ["93.184.215.14", "10.0.0.1"])
    check_target("https://hooks.example.com/x", False, resolver=lambda host, port: ["93.184.215.14"])
    check_target("http://127.0.0.1:8080/x", True)  # allowed by configuration (tests, private deployments)


def test_portals_keep_the_two_organizations_apart():
    assert staff_portals(["cards_staff", "trainer"]) == {"cards"}
    assert user_portal(["trainer"]) == "cards" and user_portal(["member"]) == "productions"
    assert event_portals("billing.invoice_issued", {}) == {"cards"}
    assert event_portals("auth.user_registered", {"roles": ["member"]}) == {"productions"}
    assert event_portals("auth.user_registered", {"roles": ["trainer"]}) == {"cards"}
    assert producer_allowed("productions", "auth.user_updated")
    assert not producer_allowed("productions", "billing.invoice_issued")


def test_webhook_body_withholds_secrets_and_documents():
    body = webhook_body({"id": "e1", "type": "auth.trainer_created", "version": 1,
                         "occurred_at": "2026-01-01T00:00:00+00:00",
                         "producer": "auth", "correlation_id": "c1",
                         "payload": {"user_id": "u1", "temporary_password": "s3cret", "pdf_base64": "JVBERi0="}})
    assert "s3cret" not in body and "pdf_base64" not in body and '"user_id":"u1"' in body


def test_generated_webhook_secrets_are_32_random_bytes_in_the_standard_form():
    first, second = new_secret(), new_secret()
    assert first != second and is_standard_secret(first)
    assert first.startswith("whsec_") and len(base64.b64decode(first.removeprefix("whsec_"), validate=True)) == 32
