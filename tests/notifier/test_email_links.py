"""Every link of every email lands on a page of the web app, on the portal of the email (issue 16, 7).

The events go through the notifier's real handlers, the emails out over real SMTP (a loopback sink),
and each link, in the HTML and in the plain text, is followed in the real web app as its reader
would before logging in: a page (200), or the login page of the same portal that then returns to it.
AQPM emails (members, AQPM staff) carry AQPM's name and footer and link under /aqpm/; ASSTSAS emails
(trainers, ASSTSAS staff) link to the root. Both languages.
"""
from __future__ import annotations

import pytest

from services.notifier.consumers import build_handlers
from services.notifier.operations.mail_delivery import MailSender
from tests.browser.mail_catcher import html_links, text_links
from tests.notifier.support import (
    access_granted,
    admin_added,
    envelope,
    handle,
    invoice,
    make_settings,
    payment,
    shipped,
    trainer,
    user,
    with_password,
)
from tests.notifier.web_pages import CARDS, PRODUCTIONS, check_landing, web_app

pytestmark = pytest.mark.integration
BASE = "https://guichet.test"  # tests/notifier/support.py: the notifier's PUBLIC_BASE_URL
ASSTSAS_SUPPORT = "361-4528"


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    return web_app(tmp_path_factory.mktemp("web"))


def _bodies(message) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def _links(message) -> list[str]:
    text, html = _bodies(message)
    return [link for link in html_links(html) + text_links(text) if not link.startswith("mailto:")]


def _events(language: str) -> list[tuple[str, str, dict, str]]:
    """(recipient, event type, payload, portal) of every email the platform sends."""
    member = user("u-member-1", "marie@example.test", ("member",), language)
    aqpm_staff = user("u-aqpm-staff", "staff@aqpm.test", ("productions_staff",), language)
    asstsas_staff = user("u-asstsas-staff", "staff@asstsas.test", ("cards_staff",), language)
    shipped_payload = {**shipped(language), "email": "livraison@example.test"}
    return [
        ("marie@example.test", "auth.user_registered", member, PRODUCTIONS),
        ("claude.ethier@example.test", "auth.trainer_created", with_password(trainer(language)), CARDS),
        ("claude.ethier@example.test", "auth.password_reset_requested", with_password(trainer(language)), CARDS),
        ("marie@example.test", "auth.password_reset_requested", with_password(member), PRODUCTIONS),
        ("staff@aqpm.test", "auth.password_reset_requested", with_password(aqpm_staff), PRODUCTIONS),
        ("staff@asstsas.test", "auth.password_reset_requested", with_password(asstsas_staff), CARDS),
        ("cheque@example.test", "billing.invoice_issued",
         invoice("cheque", language, invoice_id="inv-cheque", email="cheque@example.test"), CARDS),
        ("depot@example.test", "billing.invoice_issued",
         invoice("direct_deposit", language, invoice_id="inv-depot", email="depot@example.test"), CARDS),
        ("carte@example.test", "billing.invoice_issued",
         invoice("credit_card", language, invoice_id="inv-card", email="carte@example.test",
                 pay_url=f"{BASE}/invoices/inv-card"), CARDS),
        ("factures@example.test", "billing.payment_received", payment(language), CARDS),
        ("livraison@example.test", "cards.session_shipped", shipped_payload, CARDS),
        ("marie@example.test", "productions.house_admin_added", admin_added("u-member-1"), PRODUCTIONS),
        ("marie@example.test", "productions.access_granted", access_granted("u-member-1"), PRODUCTIONS),
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_link_of_every_email_lands_on_a_page_of_its_own_portal(db, smtp, handlers, mail_sender, web,
                                                                     language):
    events = _events(language)
    for _recipient, event_type, payload, _portal in events:
        handle(db, handlers, envelope(event_type, payload))
    mail_sender.run_once()
    assert len(smtp.received) == len(events)
    portal_of = {recipient: portal for recipient, _type, _payload, portal in events}
    templates_seen, problems, followed = set(), [], 0
    for message in smtp.received:
        [recipient] = [address for address in portal_of if address in str(message["To"])]
        portal, template = portal_of[recipient], message["X-Guichet-Template"]
        templates_seen.add(template)
        links = _links(message)
        followed += len(links)
        problems += [f"{template} ({portal}): {problem}"
                     for problem in (check_landing(web, link, BASE, portal) for link in links) if problem]
        text, html = _bodies(message)
        if portal == PRODUCTIONS:  # AQPM's name and footer, never ASSTSAS's support line
            assert ASSTSAS_SUPPORT not in text + html and "AQPM" in text and "AQPM" in html, message["Subject"]
    assert templates_seen == {"member_welcome", "trainer_account_created", "password_reset", "invoice_issued",
                              "payment_received", "cards_shipped", "house_admin_added", "access_granted"}
    assert problems == [] and followed >= 20


def test_an_aqpm_member_s_welcome_and_reset_go_to_the_aqpm_login(db, smtp, handlers, mail_sender):
    handle(db, handlers, envelope("auth.user_registered", user()))
    handle(db, handlers, envelope("auth.password_reset_requested", with_password(user())))
    mail_sender.run_once()
    for message in smtp.to("marie@example.test"):
        text, html = _bodies(message)
        assert f"{BASE}/aqpm/" in text and f'href="{BASE}/aqpm/"' in html, message["X-Guichet-Template"]
        assert f"({BASE}/)" not in text and f'href="{BASE}/"' not in html


def test_the_deep_links_name_the_page_of_what_the_email_is_about(db, smtp, handlers, mail_sender):
    handle(db, handlers, envelope("auth.user_registered", user()))
    handle(db, handlers, envelope("productions.house_admin_added", admin_added()))
    handle(db, handlers, envelope("productions.access_granted", access_granted()))
    handle(db, handlers, envelope("cards.session_shipped", shipped()))
    handle(db, handlers, envelope("billing.invoice_issued", invoice("credit_card")))  # an event without pay_url
    mail_sender.run_once()
    texts = {m["X-Guichet-Template"]: _bodies(m)[0] for m in smtp.received}
    assert f"{BASE}/aqpm/houses/h-1" in texts["house_admin_added"]
    assert f"{BASE}/aqpm/sheets/sh-1" in texts["access_granted"]
    assert f"{BASE}/sessions/s-1" in texts["cards_shipped"]
    assert f"{BASE}/invoices/inv-1" in texts["invoice_issued"]


# -- the invoice email says what the PDF says (issue 16, 13) ----------------------------------------------
BANK_LINES = ["Caisse Desjardins du Mont-Royal", "Institution 815 · Transit 30000 · Compte 0123456",
              "Bénéficiaire : ASSTSAS"]


@pytest.mark.parametrize("language, intro", [
    ("fr", "Versez le solde au compte suivant (le même que sur la facture ci-jointe, sous « Comment payer ») :"),
    ("en", 'Deposit the balance into this account (the same as on the attached invoice, under "How to pay"):')])
def test_the_direct_deposit_email_gives_the_bank_details_of_the_pdf(db, smtp, language, intro):
    settings = make_settings(db.url, smtp.port, BANK_DETAILS="")  # the embedded default: none of its own
    handlers = build_handlers(settings)
    handle(db, handlers, envelope("billing.invoice_issued",
                                  invoice("direct_deposit", language, bank_details=BANK_LINES)))
    MailSender(db, settings).run_once()
    [message] = smtp.to("factures@example.test")
    text, html = _bodies(message)
    assert intro in text and all(line in text and line in html for line in BANK_LINES)
    assert "communiquez avec le support" not in text and "contact support" not in text


def test_the_cheque_email_gives_the_payee_and_address_of_the_pdf(db, smtp, handlers, mail_sender):
    handle(db, handlers, envelope("billing.invoice_issued", invoice(
        "cheque", cheque_payable_to="ASSTSAS — Association paritaire",
        cheque_address=["5100, rue Sherbrooke Est, bureau 950", "Montréal (Québec)  H1V 3R9"])))
    mail_sender.run_once()
    text, _ = _bodies(smtp.to("factures@example.test")[0])
    assert "Libellez le chèque à l'ordre de : ASSTSAS — Association paritaire." in text
    assert "Postez-le à : 5100, rue Sherbrooke Est, bureau 950, Montréal (Québec)  H1V 3R9." in text


@pytest.mark.parametrize("method", ["credit_card", "cheque", "direct_deposit"])
def test_an_invoice_email_with_nothing_to_pay_does_not_invite_to_pay(db, smtp, handlers, mail_sender, method):
    handle(db, handlers, envelope("billing.invoice_issued",
                                  invoice(method, total="0.00", balance="0.00", bank_details=BANK_LINES)))
    mail_sender.run_once()
    text, html = _bodies(smtp.to("factures@example.test")[0])
    assert "Cette facture est payée : il n'y a rien à payer." in text
    for words in ("Payez en ligne", "Payer en ligne", "chèque émis", "Versez le solde", "/invoices/",
                  "à la réception de votre paiement"):
        assert words not in text and words not in html, words


# -- messages staged before these fields existed still render (a message row keeps its context) ---------
OLD_COMMON = {"support_phone": "1 800 361-4528, poste 246", "support_email": "support@asstsas.qc.ca"}
OLD_CONTEXTS = {
    "invoice_issued": {**OLD_COMMON, "portal": "cards", "site_url": BASE, "name": "X", "number": "2026-000001",
                       "invoice_id": "i", "total": "6.00", "balance": "6.00", "currency": "CAD",
                       "payment_method": "direct_deposit", "pay_url": None, "cheque_payable_to": "ASSTSAS",
                       "cheque_address": "", "bank_details": "Caisse Test"},
    "cards_shipped": {**OLD_COMMON, "portal": "cards", "site_url": BASE, "first_name": "C", "last_name": "E",
                      "session_id": "s", "participant_count": 2, "shipped_at": "2026-12-07T15:00:00+00:00"},
    "house_admin_added": {**OLD_COMMON, "portal": "productions", "site_url": BASE, "first_name": "M",
                          "last_name": "T", "house_name": "H", "house_id": "h", "delegate": False},
    "access_granted": {**OLD_COMMON, "portal": "productions", "site_url": BASE, "first_name": "M", "last_name": "T",
                       "sheet_title": "S", "sheet_id": "x"},
}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("template", sorted(OLD_CONTEXTS))
def test_a_message_staged_with_an_older_context_still_renders(template, language):
    from services.notifier.domain.mail_templates import render_bodies, render_subject

    context = OLD_CONTEXTS[template]
    text, html = render_bodies(template, language, context)
    assert render_subject(template, language, context)
    if template == "invoice_issued":  # the notifier's own bank setting of the time
        assert "Caisse Test" in text and "Caisse Test" in html
    else:                             # the portal's address stands in for the page it did not name
        assert BASE in text and BASE in html
