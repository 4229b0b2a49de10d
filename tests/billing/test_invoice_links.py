"""The invoice's pay link lands on the web's invoice page; a paid or void invoice invites nobody to pay
(issue 16, 2)."""
from __future__ import annotations

import pytest

from services.billing.consumers.sessions import handler_settings
from tests.billing.conftest import trainer_headers
from tests.billing.support import issue, outbox_events, pdf_text, pdf_text_from_event
from tests.notifier.web_pages import CARDS, check_landing, web_app

pytestmark = pytest.mark.integration
PAY_WORDS = ("Comment payer", "payez en ligne", "Solde minimal", "/invoices/", "versez le solde", "inscrivez-y")


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    return web_app(tmp_path_factory.mktemp("web"))


def test_the_pay_link_of_the_email_and_the_pdf_is_the_web_invoice_page(db, web):
    invoice = issue(db, participant_count=4, payment_method="credit_card")
    [event] = outbox_events(db, "billing.invoice_issued", invoice_id=invoice.id)
    base = handler_settings().public_base_url  # the consumer's settings (PUBLIC_BASE_URL)
    pay_url = event["payload"]["pay_url"]
    assert pay_url == f"{base}/invoices/{invoice.id}"
    assert pay_url in pdf_text_from_event(event).replace("\n", "")
    assert check_landing(web, pay_url, base, CARDS) == ""


def _pay(client, invoice, staff_headers):
    response = client.post(f"/invoices/{invoice.id}/payments", headers=staff_headers,
                           json={"method": "cheque", "amount": str(invoice.balance), "reference": "CHQ-16"})
    assert response.status_code == 201, response.json


@pytest.mark.parametrize("method", ["credit_card", "direct_deposit", "cheque"])
def test_a_paid_invoice_pdf_says_it_is_paid_and_does_not_invite_to_pay(client, tokens, db, staff_headers, method):
    invoice = issue(db, participant_count=4, payment_method=method)
    owner = trainer_headers(tokens, invoice.owner_user_id)
    before = pdf_text(client.get(f"/invoices/{invoice.id}/pdf", headers=owner).data)
    assert "Comment payer" in before  # the open invoice does say how to pay
    _pay(client, invoice, staff_headers)

    text = pdf_text(client.get(f"/invoices/{invoice.id}/pdf", headers=owner).data)
    assert "Statut : Payée" in text and "Facture payée : il n'y a plus rien à payer." in text
    assert not [word for word in PAY_WORDS if word in text], text
    detail = client.get(f"/invoices/{invoice.id}", headers=owner).json
    assert detail["status"] == "paid" and detail["pay_url"] is None


def test_a_paid_invoice_pdf_in_english(client, tokens, db, staff_headers):
    invoice = issue(db, participant_count=4, payment_method="credit_card", language="en")
    _pay(client, invoice, staff_headers)
    text = pdf_text(client.get(f"/invoices/{invoice.id}/pdf",
                               headers=trainer_headers(tokens, invoice.owner_user_id)).data)
    assert "Status: Paid" in text and "Invoice paid: nothing is left to pay." in text
    assert "How to pay" not in text and "/invoices/" not in text and "Status :" not in text


def test_a_void_invoice_pdf_invites_nobody_to_pay(client, tokens, db):
    from tests.billing.support import feed

    invoice = issue(db, participant_count=4, payment_method="credit_card")
    feed(db, "cards.session_cancelled", {"session_id": invoice.session_id, "cancelled_by": "staff-1",
                                         "reason": None})
    text = pdf_text(client.get(f"/invoices/{invoice.id}/pdf",
                               headers=trainer_headers(tokens, invoice.owner_user_id)).data)
    assert "Statut : Annulée" in text and "Facture annulée : il n'y a rien à payer." in text
    assert not [word for word in PAY_WORDS if word in text], text


@pytest.mark.parametrize("path, key", [("docker-compose.yml", "x-billing-env"),
                                       ("deploy/k8s/base/billing/config.yaml", "data")])
def test_the_deployed_pay_link_is_the_web_invoice_page_too(web, path, key):
    """The real stacks set the template explicitly: theirs must land on the invoice page as well."""
    import yaml

    from chassis.config import REPO_ROOT, ServiceConfig
    from services.billing.config import BillingSettings

    template = yaml.safe_load((REPO_ROOT / path).read_text())[key]["BILLING_PAY_URL_TEMPLATE"]
    settings = BillingSettings.from_config(ServiceConfig(service="billing", database_url="sqlite://",
                                                         public_base_url="https://guichet.example.org",
                                                         extra={"PAY_URL_TEMPLATE": template}))
    url = settings.pay_url("0b6f6c1e-2f4e-4bb0-9d8e-6a1d2c3b4a59", "2026-000001")
    assert check_landing(web, url, "https://guichet.example.org", CARDS) == ""
