"""Every email template (subject, text, HTML) in French and in English: one set of templates, the English
from the notifier's catalogue, money and dates in the email's language, and older staged contexts still render."""
from __future__ import annotations

import pytest

from chassis.i18n import format_date
from services.notifier.domain.mail_templates import TEMPLATE_DIR, TEMPLATES, render_bodies, render_subject

# Every email the notifier sends has its three files; ``_layout.html`` and ``_footer.txt`` are shared.
EMAILS = sorted(path.stem for path in TEMPLATE_DIR.glob("*.subject"))

COMMON = {"site_url": "https://guichet.test", "support_phone": "1 800 361-4528, poste 246",
          "support_email": "support@asstsas.qc.ca", "first_name": "Claude", "last_name": "Ethier"}
CARDS = {**COMMON, "portal": "cards"}
PRODUCTIONS = {**COMMON, "portal": "productions", "site_url": "https://aqpm.test"}

# A realistic context per email, as the consumers stage it (the secret added at send time).
CONTEXTS = {
    "trainer_account_created": {**CARDS, "email": "c@example.test", "username": "ethc123",
                                "temporary_password": "Tmp-1", "expires_at": "2026-12-01T19:30:00+00:00"},
    "password_reset": {**CARDS, "login": "ethc123", "temporary_password": "Tmp-1",
                       "expires_at": "2026-12-01T19:30:00+00:00", "password_revoked": False},
    "member_welcome": {**PRODUCTIONS, "email": "marie@example.test"},
    "invoice_issued": {**CARDS, "name": "Claude Ethier", "number": "F-2026-00042", "invoice_id": "i", "total": "8.00",
                       "balance": "8.00", "currency": "CAD", "balance_is_zero": False, "payment_method": "cheque",
                       "pay_url": None, "invoice_url": "https://guichet.test/invoices/i", "bank_lines": [],
                       "cheque_payable_to": "ASSTSAS", "cheque_address": "5100, rue Sherbrooke Est, Montréal"},
    "payment_received": {**CARDS, "name": "Claude Ethier", "number": "F-2026-00042", "amount": "8.00",
                         "balance": "0.00", "currency": "CAD", "method": "credit_card", "balance_is_zero": True},
    "cards_shipped": {**CARDS, "session_id": "s", "participant_count": 2, "shipped_at": "2026-12-07T15:00:00+00:00",
                      "session_url": "https://guichet.test/sessions/s", "organization_name": "CISSS",
                      "activity": "PDSB", "location": "Longueuil", "end_date": "2026-12-04",
                      "invoice_number": "F-2026-00042", "delivery_lines": ["Service SST", "Montréal H2X 1Y4"]},
    "house_admin_added": {**PRODUCTIONS, "house_name": "Productions Tremblay", "house_id": "h", "delegate": True,
                          "house_url": "https://aqpm.test/houses/h"},
    "access_granted": {**PRODUCTIONS, "sheet_title": "Les Belles-sœurs", "sheet_id": "sh",
                       "sheet_url": "https://aqpm.test/sheets/sh"},
    "email_change_confirm": {**PRODUCTIONS, "new_email": "new@example.test",
                             "confirm_url": "https://aqpm.test/email/confirm#", "temporary_password": "tok",
                             "expires_at": "2026-12-01T19:30:00+00:00"},
    "email_change_notice": {**PRODUCTIONS, "new_email": "new@example.test",
                            "cancel_url": "https://aqpm.test/email/cancel#", "temporary_password": "tok",
                            "cancel_expires_at": "2026-12-08T19:30:00+00:00"},
    "data_export_ready": {**PRODUCTIONS, "own_data": True, "subject_name": "Claude Ethier",
                          "download_url": "https://aqpm.test/aqpm/account/data-export/", "temporary_password": "tok",
                          "expires_at": "2026-12-08T19:30:00+00:00"},
    "account_dormancy_warning": {**PRODUCTIONS, "email": "marie@example.test",
                                 "last_active_at": "2022-11-30T15:00:00+00:00",
                                 "anonymize_after": "2027-01-06T15:00:00+00:00"},
}

# A few of each email's own English words (the text body, the HTML body and the subject).
ENGLISH = {
    "trainer_account_created": ["An account was created for you", "Username: ethc123", "Temporary password: Tmp-1",
                                "When you first log in"],
    "password_reset": ['"I forgot my password"', "Temporary password: Tmp-1", "Your current password still works"],
    "member_welcome": ["Your registration to the AQPM portal", "then click \"Log in\"",
                       "This email was sent automatically"],
    "invoice_issued": ["Please find attached invoice", "Balance due: $8.00", "Payment method: cheque.",
                       "Make the cheque payable to: ASSTSAS."],
    "payment_received": ["We received your payment of $8.00 (credit card)", "Your invoice is now paid."],
    "cards_shipped": ["The cards of your training session (2 participants) were shipped on December 7, 2026.",
                      "Organization: CISSS (Longueuil)", "End of the training: December 4, 2026", "Shipped to:"],
    "house_admin_added": ["You were added as a delegate", 'the production house "Productions Tremblay"'],
    "access_granted": ["You may now make requests", "Access SET"],
    "email_change_confirm": ["You asked for new@example.test to become", "expires on December 1, 2026 at 2:30",
                             "Montréal time"],
    "email_change_notice": ["Someone logged in to your account", "December 8, 2026 at 2:30"],
    "data_export_ready": ["Your data is ready to download", "the personal data the platform holds on you",
                          "This link works once, only for you", "December 8, 2026 at 2:30"],
    "account_dormancy_warning": ["has not been used since November 30, 2022", "from January 6, 2027",
                                 "log in before that date", "will be anonymized"],
}
FRENCH_ONLY = ["Bonjour", "Vous ", "Votre ", "Mode de paiement", "Portail AQPM", "heure de Montréal",
               "Demande de cartes", " : ", "« "]


def test_one_set_of_templates_and_every_email_is_tested():
    assert sorted(CONTEXTS) == EMAILS and set(TEMPLATES) <= set(EMAILS)
    assert not [path for path in TEMPLATE_DIR.iterdir() if path.is_dir()]  # no templates/fr, templates/en


@pytest.mark.parametrize("template", EMAILS)
def test_every_email_renders_in_french_and_in_english(template):
    context = CONTEXTS[template]
    french = (render_subject(template, "fr", context), *render_bodies(template, "fr", context))
    english = (render_subject(template, "en", context), *render_bodies(template, "en", context))
    for subject, text, html in (french, english):
        assert subject and "\n" not in subject
        assert "Claude" in text and '<html lang="' in html
    assert french[0] != english[0]
    assert french[1].startswith("Bonjour ") and english[1].startswith("Hello ")
    assert '<html lang="fr">' in french[2] and '<html lang="en">' in english[2]
    for words in ENGLISH[template]:
        assert words in english[1] or words in english[0], words
    for part in english:
        leftovers = [words for words in FRENCH_ONLY if words in part.replace(context.get("cheque_address") or "@", "")]
        assert leftovers == [], (template, leftovers)


@pytest.mark.parametrize("language, total, balance", [("fr", "8,00\xa0$", "1\xa0234,50\xa0$"),
                                                      ("en", "$8.00", "$1,234.50")])
def test_money_follows_the_email_s_language(language, total, balance):
    context = {**CONTEXTS["invoice_issued"], "balance": "1234.5"}
    text, html = render_bodies("invoice_issued", language, context)
    assert total in text and balance in text and balance in html


@pytest.mark.parametrize("language, day", [("fr", "7 décembre 2026"), ("en", "December 7, 2026")])
def test_dates_follow_the_email_s_language(language, day):
    text, _html = render_bodies("cards_shipped", language, CONTEXTS["cards_shipped"])
    assert day in text and day == format_date("2026-12-07", language)
    assert (format_date("2026-12-04", language)) in render_subject("cards_shipped", language, CONTEXTS["cards_shipped"])


def test_the_french_texts_are_the_source():
    text, html = render_bodies("invoice_issued", "fr", CONTEXTS["invoice_issued"])
    assert "Vous trouverez ci-joint la facture F-2026-00042 de votre demande de cartes." in text
    assert "Solde à payer : 8,00\xa0$" in text and "Libellez le chèque à l'ordre de : ASSTSAS." in text
    assert "Solde à payer : <strong>8,00\xa0$</strong>" in html
    text, _html = render_bodies("password_reset", "fr", CONTEXTS["password_reset"])
    assert "« J'ai oublié mon mot de passe »" in text
    assert "expire le 1 décembre 2026 à 14 h 30 (heure de Montréal)" in text


def test_html_escapes_what_comes_from_events_also_inside_translated_sentences():
    for language in ("fr", "en"):
        _text, html = render_bodies("access_granted", language,
                                    {**CONTEXTS["access_granted"], "sheet_title": "<script>x</script>"})
        assert "<script>" not in html and "<strong>&lt;script&gt;x&lt;/script&gt;</strong>" in html
    text, _html = render_bodies("access_granted", "fr", {**CONTEXTS["access_granted"], "sheet_title": "A & B"})
    assert "« A & B »" in text  # the text body is not HTML: nothing escaped


def test_an_unknown_language_falls_back_to_french():
    context = {key: value for key, value in CONTEXTS["cards_shipped"].items()
               if key not in ("organization_name", "end_date")}
    assert render_subject("cards_shipped", "de", context) == "Vos cartes ont été expédiées"
    assert render_subject("cards_shipped", "en-CA", context) == "Your cards were shipped"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_messages_staged_before_the_later_fields_still_render(language):
    """A message row keeps the context it was staged with: the old contexts of each email still render."""
    old = {
        "invoice_issued": {**CARDS, "name": "N", "number": "F-1", "invoice_id": "i", "total": "24.00",
                           "balance": "24.00", "currency": "CAD", "payment_method": "direct_deposit",
                           "pay_url": None, "cheque_payable_to": "", "cheque_address": "",
                           "bank_details": "Caisse Test, transit 12345"},
        "cards_shipped": {**CARDS, "session_id": "s", "participant_count": 1,
                          "shipped_at": "2026-12-07T15:00:00+00:00"},
        "house_admin_added": {**PRODUCTIONS, "house_name": "H", "house_id": "h", "delegate": False},
        "access_granted": {**PRODUCTIONS, "sheet_title": "T", "sheet_id": "sh"},
        "password_reset": {**CARDS, "login": "ethc123", "temporary_password": "Tmp-1",
                           "expires_at": "2026-12-01T05:00:00+00:00"},
    }
    for template, context in old.items():
        assert render_subject(template, language, context)
        text, html = render_bodies(template, language, context)
        assert text and html
    text, _html = render_bodies("invoice_issued", language, old["invoice_issued"])
    assert "Caisse Test, transit 12345" in text
    text, _html = render_bodies("cards_shipped", language, old["cards_shipped"])
    assert "1 participant" in text and "1 participants" not in text


def test_the_templates_are_written_in_french_only():
    for path in TEMPLATE_DIR.iterdir():
        source = path.read_text()
        assert " / " not in source and "Hello" not in source and "Your " not in source, path.name
