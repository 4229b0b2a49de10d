"""The trainer portal's payment seams, in a real browser on the real stack:

- a card that fails the checksum, or has expired, is refused beside its field before anything is
  submitted (the request stays "new", no invoice);
- "Soumettre" says it is working while it waits;
- the participant and invoice forms show each refusal once, beside its field.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import no_english_half, shot, unique
from tests.browser.pages import TRAINER, login_trainer, new_session
from tests.browser.trainer_scenes import (
    THREE_PARTICIPANTS,
    Api,
    assert_nothing_submitted,
    field_error,
    fill_card,
    import_csv,
    session_id_of,
)

pytestmark = pytest.mark.browser


def test_a_bad_card_is_refused_beside_its_field_before_anything_is_submitted(new_page, platform):
    page = new_page()
    login_trainer(page, platform.password)
    new_session(page, unique("Clinique Luhn "))
    session_id = session_id_of(page)
    import_csv(page, THREE_PARTICIPANTS)
    expect(page.locator("table tbody tr")).to_have_count(3)
    api = Api(platform, TRAINER)

    page.get_by_role("link", name=re.compile("^Paiement")).first.click()
    fill_card(page, "4242 4242 4242 4241")                     # one digit off: fails the checksum
    page.get_by_role("button", name="Soumettre").click()
    expect(page.get_by_role("heading", name="Paiement", exact=True)).to_be_visible()
    expect(field_error(page, "f-card-number")).to_have_text("Numéro de carte invalide.")
    expect(page.locator("#f-card-number")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-card-holder")).to_have_value("Claude Ethier")     # what was typed stays...
    expect(page.locator("#f-card-exp_year")).to_have_value("2031")
    expect(page.locator("#f-card-number")).to_have_value("")                  # ...but never the number
    expect(page.locator("#f-card-cvc")).to_have_value("")
    expect(page.locator("[data-card-retype]")).to_contain_text("retapez")
    expect(page.locator(".flash.error")).to_have_count(1)                     # said once, not twice
    expect(page.locator(".field-error")).to_have_count(1)
    assert_nothing_submitted(api, session_id)
    shot(page, "cards-payment-bad-card")

    fill_card(page, "4242 4242 4242 4242", month="01", year="2020")           # expired
    page.get_by_role("button", name="Soumettre").click()
    expect(field_error(page, "f-card-exp_year")).to_have_text("La carte est expirée.")
    assert_nothing_submitted(api, session_id)

    page.get_by_role("link", name="English").click()
    fill_card(page, "4242 4242 4242 4241")
    page.get_by_role("button", name="Submit").click()
    expect(field_error(page, "f-card-number")).to_have_text("Invalid card number.")
    expect(page.locator("[data-card-retype]")).to_contain_text("retype")
    assert "Numéro" not in page.locator("main").inner_text()
    assert_nothing_submitted(api, session_id)


def test_submit_says_it_is_working_while_it_waits(new_page, platform):
    page = new_page()
    login_trainer(page, platform.password)
    new_session(page, unique("Attente "))
    import_csv(page, THREE_PARTICIPANTS)
    page.get_by_role("link", name=re.compile("^Paiement")).first.click()
    page.locator("#f-payment_method").select_option("cheque")
    page.locator("#f-billed_to").select_option("organization")
    form = page.locator("form.payment-form")
    # The page's own submit handler runs first; this later one keeps the page here to look at it.
    form.evaluate("f => f.addEventListener('submit', event => event.preventDefault())")
    button = page.get_by_role("button", name="Soumettre")
    expect(page.locator("[data-busy-status]")).to_have_text("")
    button.click()
    expect(button).to_be_disabled()
    expect(page.locator("[data-busy-status]")).to_have_text("Traitement en cours…")
    expect(page.locator("[data-busy-status]")).to_have_attribute("aria-live", "polite")

    page.reload()                                   # and the real submission goes through
    page.locator("#f-payment_method").select_option("cheque")
    page.locator("#f-billed_to").select_option("organization")
    page.get_by_role("button", name="Soumettre").click()
    expect(page.locator(".flash.success")).to_contain_text("soumise")


def test_participant_and_invoice_forms_show_each_refusal_beside_its_field(new_page, platform):
    page = new_page()
    login_trainer(page, platform.password)
    new_session(page, unique("Fiches "))
    session_id = session_id_of(page)
    api = Api(platform, TRAINER)

    page.get_by_role("link", name="Ajouter", exact=True).click()
    page.locator("#f-title").select_option("mme")
    page.locator("#f-first_name").fill("Gaëlle")
    page.locator("#f-last_name").fill("Roy")
    page.locator("#f-birth_date").fill("1988-03-03")
    page.locator("#f-phone").fill("12")                                        # not a phone number
    page.get_by_role("button", name="OK", exact=True).click()
    expect(field_error(page, "f-phone")).to_be_visible()
    expect(page.locator("#f-phone")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-first_name")).to_have_value("Gaëlle")
    expect(page.locator(".flash.error")).to_have_count(1)
    assert no_english_half(page.locator("main").inner_text())
    assert api.get(f"/api/cards/sessions/{session_id}/participants")["total"] == 0

    page.goto(f"/sessions/{session_id}/participants")
    import_csv(page, THREE_PARTICIPANTS)
    page.get_by_role("link", name=re.compile("^Paiement")).first.click()
    page.locator("#f-payment_method").select_option("cheque")
    page.locator("#f-billed_to").select_option("organization")
    page.get_by_role("button", name="Soumettre").click()
    from tests.browser.pages import wait_for_invoice_link
    wait_for_invoice_link(page).click()
    invoice_id = page.url.rstrip("/").rsplit("/", 1)[1]

    page.get_by_role("link", name="English").click()
    page.locator("#f-card-holder").fill("Claude Ethier")
    page.locator("#f-card-number").fill("4242 4242 4242 4241")
    page.locator("#f-card-exp_month").fill("13")
    page.locator("#f-card-exp_year").fill("2031")
    page.locator("#f-card-cvc").fill("12")
    page.get_by_role("button", name=re.compile("^Pay")).click()
    expect(field_error(page, "f-card-number")).to_have_text("Invalid card number.")
    expect(field_error(page, "f-card-exp_month")).to_have_text("Month from 1 to 12.")
    expect(field_error(page, "f-card-cvc")).to_have_text("3 or 4 digits.")
    expect(page.locator("#f-card-holder")).to_have_value("Claude Ethier")
    expect(page.locator("#f-card-number")).to_have_value("")
    invoice = api.get(f"/api/billing/invoices/{invoice_id}")
    assert invoice["status"] == "open" and not invoice.get("payments")
