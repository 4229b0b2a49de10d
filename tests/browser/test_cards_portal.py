"""Portal 1 in a real browser: a trainer's request paid by cheque, then one paid by card after a decline."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import no_english_half, shot, unique
from tests.browser.pages import fill_participant, login_trainer, new_session, wait_for_invoice_link

pytestmark = pytest.mark.browser


def test_trainer_request_paid_by_cheque_gets_its_invoice(new_page, platform):
    page = new_page()
    page.goto("/")
    shot(page, "cards-login")
    login_trainer(page, platform.password)
    organization = unique("CIUSSS Cheque ")
    new_session(page, organization)

    page.get_by_role("link", name="Ajouter", exact=True).click()
    fill_participant(page, "Anne", "Tremblay", "1985-04-12")
    page.get_by_role("button", name="Sauvegarder et ajouter").click()
    expect(page.locator(".flash.success")).to_contain_text("Anne Tremblay")
    expect(page.locator("#f-first_name")).to_have_value("")          # a fresh form for the next one
    fill_participant(page, "Benoît", "Gagnon", "1979-11-02")
    page.get_by_role("button", name="Sauvegarder et ajouter").click()
    fill_participant(page, "Chloé", "Roy", "1992-07-30")
    shot(page, "cards-participant-form")
    page.get_by_role("button", name="OK", exact=True).click()

    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("table")).to_contain_text("Gagnon")
    shot(page, "cards-participants")

    page.get_by_role("link", name=re.compile("^Paiement")).first.click()
    expect(page.locator("[data-total]")).to_have_text("6,00\u00a0$")
    page.locator("#f-payment_method").select_option("cheque")
    expect(page.locator("[data-when-method='cheque direct_deposit']")).to_be_visible()
    page.locator("#f-billed_to").select_option("organization")
    shot(page, "cards-payment-cheque")
    page.get_by_role("button", name="Soumettre").click()

    expect(page.locator(".flash.success")).to_contain_text("soumise")
    invoice_link = wait_for_invoice_link(page)
    number = invoice_link.inner_text().strip()
    assert number
    invoice_link.click()
    expect(page.locator("[data-invoice-number]")).to_have_text(number)
    expect(page.locator("[data-invoice-total]")).to_have_text("6,00\u00a0$")
    expect(page.locator("main")).to_contain_text(organization)
    shot(page, "cards-invoice")

    pdf = page.request.get(page.get_by_role("link", name="PDF").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"].startswith("application/pdf")
    assert pdf.body().startswith(b"%PDF")

    page.get_by_role("link", name="English").click()
    expect(page.locator("[data-invoice-total]")).to_have_text("$6.00")
    expect(page.get_by_role("heading", name=re.compile("^Invoice"))).to_be_visible()
    assert no_english_half(page.locator("main").inner_text())


def test_trainer_pays_by_card_after_a_decline(new_page, platform):
    page = new_page(width=390, height=844)                       # a phone-sized screen
    login_trainer(page, platform.password)
    new_session(page, unique("Clinique Carte "))

    # Participants from a CSV file (X5), French header and ';' like a spreadsheet export.
    csv = ("Titre;Prénom;Nom;Date de naissance;Téléphone;Poste\n"
           "Mme;Diane;Côté;1980-01-15;514 555-0101;\n"
           "M.;Éric;Lavoie;1975-06-20;514 555-0102;3\n"
           "Mme;Fanny;Morin;1990-09-09;514 555-0103;\n").encode()
    page.locator("#f-file").set_input_files(files=[{"name": "participants.csv", "mimeType": "text/csv",
                                                    "buffer": csv}])
    page.get_by_role("button", name="Importer").click()
    expect(page.locator("main")).to_contain_text("3 participants importés.")
    expect(page.locator("table tbody tr")).to_have_count(3)

    page.get_by_role("link", name=re.compile("^Paiement")).first.click()
    expect(page.locator("[data-total]")).to_have_text("6,00\u00a0$")
    card_fields = page.locator("[data-when-method='credit_card']")
    expect(card_fields).to_be_hidden()
    page.locator("#f-payment_method").select_option("credit_card")
    expect(card_fields).to_be_visible()
    page.locator("#f-card-holder").fill("Claude Ethier")
    page.locator("#f-card-number").fill("4000 0000 0000 0002")      # the sandbox's declined card
    page.locator("#f-card-exp_month").fill("12")
    page.locator("#f-card-exp_year").fill("2031")
    page.locator("#f-card-cvc").fill("123")
    page.locator("#f-billed_to").select_option("individual")
    shot(page, "cards-payment-card-phone")
    page.get_by_role("button", name="Soumettre").click()

    decline = page.locator(".flash.error")
    expect(decline).to_contain_text("Paiement refusé")
    expect(page.get_by_role("heading", name=re.compile("^Facture"))).to_be_visible()
    expect(page.locator(".status-open")).to_be_visible()
    assert no_english_half(decline.inner_text())
    expect(page.locator("#f-card-number")).to_have_value("")        # the card number is never sent back
    shot(page, "cards-card-declined")

    page.locator("#f-card-holder").fill("Claude Ethier")
    page.locator("#f-card-number").fill("4242 4242 4242 4242")
    page.locator("#f-card-exp_month").fill("12")
    page.locator("#f-card-exp_year").fill("2031")
    page.locator("#f-card-cvc").fill("123")
    page.get_by_role("button", name=re.compile("^Payer")).click()
    expect(page.locator(".flash.success")).to_contain_text("Paiement accepté")
    expect(page.locator(".status-paid")).to_be_visible()
    expect(page.locator("main")).to_contain_text("•••• 4242")
    shot(page, "cards-card-paid")
