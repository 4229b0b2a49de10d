"""Pure rules: backoff, portals, SSRF address checks, webhook body, money and templates."""
from __future__ import annotations

import pytest

from services.notifier.domain.addresses import TargetRefused, check_target, is_public_address
from services.notifier.domain.backoff import retry_delay_seconds
from services.notifier.domain.mail_templates import TEMPLATES, money, render_bodies, render_subject
from services.notifier.domain.portals import event_portals, producer_allowed, staff_portals, user_portal
from services.notifier.domain.webhook_payload import webhook_body


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


def test_money_is_formatted_for_each_language():
    assert money("1234.5", "fr") == "1 234,50 $" and money("1234.5", "en") == "$1,234.50"


TEMPLATE_CONTEXT = {
    "portal": "cards", "site_url": "https://guichet.test", "support_phone": "1 800 361-4528, poste 246",
    "support_email": "support@asstsas.qc.ca", "first_name": "Claude", "last_name": "Ethier", "email": "c@example.test",
    "username": "ethc123", "login": "ethc123", "temporary_password": "Tmp-1", "expires_at": "2026-12-01T05:00:00+00:00",
    "name": "Claude Ethier", "number": "F-1", "invoice_id": "i", "total": "24.00", "balance": "0.00",
    "currency": "CAD", "payment_method": "cheque", "pay_url": None, "cheque_payable_to": "ASSTSAS",
    "cheque_address": "", "bank_details": "", "amount": "24.00", "method": "cheque", "balance_is_zero": True,
    "session_id": "s", "participant_count": 1, "shipped_at": "2026-12-01T15:00:00+00:00", "house_name": "H",
    "house_id": "h", "delegate": True, "sheet_title": "T", "sheet_id": "sh",
}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("template", TEMPLATES)
def test_every_template_renders_in_both_languages(template, language):
    subject = render_subject(template, language, TEMPLATE_CONTEXT)
    text, html = render_bodies(template, language, TEMPLATE_CONTEXT)
    assert subject and "\n" not in subject
    assert text.startswith("Bonjour" if language == "fr" else "Hello")
    assert f'<html lang="{language}">' in html and "Claude Ethier" in html


def test_html_escapes_what_comes_from_events():
    _, html = render_bodies("access_granted", "fr", {**TEMPLATE_CONTEXT, "sheet_title": "<script>x</script>"})
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_an_unknown_language_falls_back_to_french():
    assert render_subject("cards_shipped", "de", TEMPLATE_CONTEXT) == "Vos cartes ont été expédiées"
