"""The seams of the staff back office, walked in Chromium as people do them (issue 16): payments typed
the French way, titles and attestation PDFs in the participant search, confirmation before reissuing or
shipping, the active filter of the requests list. Each refusal is checked to have written nothing."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import unique
from tests.browser.staff_scenes import (
    cards_staff_api,
    invoiced_session,
    login_cards_staff,
    paid_session,
    to_english,
)

pytestmark = pytest.mark.browser


# 8. Staff payments: French and English amounts, garbage refused, the invoice number shown -----------

def test_staff_payment_takes_french_and_english_amounts_and_shows_the_invoice(new_page, platform):
    last_name = unique("Paiement")
    scene = invoiced_session(platform, last_name)
    number = scene["invoice"]["number"]
    staff_api = cards_staff_api(platform)

    def balance() -> str:
        return staff_api.call("GET", f"/api/billing/invoices/{scene['invoice']['id']}").json()["balance"]

    page = new_page()
    login_cards_staff(page, platform.password)
    page.get_by_role("link", name="Paiements").click()
    form = page.locator("main form")

    # Garbage: a message beside the amount, in French, and nothing recorded.
    form.get_by_label("Numéro de facture").fill(number)
    form.get_by_label("Montant").fill("six piasses")
    form.get_by_label("Référence (no de chèque ou de dépôt)").fill(f"CHQ-{last_name}-0")
    form.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".field:has(input[name=amount]) .field-error")).to_contain_text("Montant invalide")
    expect(form.get_by_label("Montant")).to_have_value("six piasses")
    assert balance() == "6.00"

    # "3,00" the French way.
    form.get_by_label("Montant").fill("3,00")
    form.get_by_label("Référence (no de chèque ou de dépôt)").fill(f"CHQ-{last_name}-1")
    form.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".flash.success")).to_contain_text(number)
    assert balance() == "3.00"
    row = page.locator("main li", has_text=f"CHQ-{last_name}-1")
    expect(row).to_contain_text(number)                                      # not a bare "·"
    expect(row).not_to_have_text(re.compile(r"·\s*$"))

    # "$3.00" the English way, on the English page.
    to_english(page)
    form = page.locator("main form")
    form.get_by_label("Invoice number").fill(number)
    form.get_by_label("Amount").fill("$3.00")
    form.get_by_label("Reference (cheque or deposit no.)").fill(f"CHQ-{last_name}-2")
    form.get_by_role("button", name="Record").click()
    expect(page.locator(".flash.success")).to_contain_text(number)
    assert balance() == "0.00"
    expect(page.locator("main li", has_text=f"CHQ-{last_name}-2")).to_contain_text(f"invoice {number}")

    # English garbage, English message.
    form = page.locator("main form")
    form.get_by_label("Invoice number").fill(number)
    form.get_by_label("Amount").fill("3,00,00")
    form.get_by_label("Reference (cheque or deposit no.)").fill(f"CHQ-{last_name}-3")
    form.get_by_role("button", name="Record").click()
    expect(page.locator(".field:has(input[name=amount]) .field-error")).to_contain_text("Not a valid amount")
    payments = staff_api.call("GET", "/api/billing/payments", params={"limit": 100}).json()["items"]
    assert not [p for p in payments if p.get("reference") == f"CHQ-{last_name}-3"]


# 9, 10. Staff participant search: title labels, the attestation PDF, reissue with confirmation ------

def test_staff_search_shows_titles_pdfs_and_confirms_a_reissue(new_page, browser, platform):
    last_name = unique("Recherche")
    scene = paid_session(platform, last_name)
    page = new_page()
    login_cards_staff(page, platform.password)
    page.goto(f"/staff/participants?last_name={last_name}")
    names = page.locator("tbody tr td:first-child").all_inner_texts()
    assert sorted(name.split(" ")[0] for name in names) == ["M.", "Mme", "Mme"], names   # not "mme", "m"

    pdf_link = page.locator("[data-attestation-pdf]").first
    pdf = page.request.get(pdf_link.get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")

    # With JavaScript: the browser asks first; saying no reissues nothing.
    first = page.locator("[data-attestation]").first
    code = first.get_attribute("data-attestation")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    first.get_by_role("button", name="Réémettre").click()
    expect(page.locator(f"[data-attestation='{code}']")).to_be_visible()
    assert asked and code in asked[0]
    assert scene["staff"].call("GET", f"/api/cards/attestations/{code}").json()["status"] == "valid"

    # Without JavaScript: a confirmation page; "Annuler" goes back with nothing done, "Réémettre" does it.
    context = browser.new_context(base_url=platform.base_url, locale="fr-CA", java_script_enabled=False)
    try:
        plain = context.new_page()
        login_cards_staff(plain, platform.password)
        plain.goto(f"/staff/participants?last_name={last_name}")
        plain.locator(f"[data-attestation='{code}']").get_by_role("button", name="Réémettre").click()
        expect(plain.get_by_role("heading", name=f"Réémettre l'attestation {code} ?")).to_be_visible()
        plain.get_by_role("link", name="Annuler").click()
        expect(plain.locator(f"[data-attestation='{code}']")).to_be_visible()
        assert scene["staff"].call("GET", f"/api/cards/attestations/{code}").json()["status"] == "valid"

        plain.locator(f"[data-attestation='{code}']").get_by_role("button", name="Réémettre").click()
        plain.locator("[data-confirmation]").get_by_role("button", name="Réémettre").click()
        reissued = plain.locator("[data-reissued]")
        expect(reissued).to_contain_text("Attestation réémise")
        new_code = reissued.locator("strong").inner_text()
        assert new_code != code
        assert scene["staff"].call("GET", f"/api/cards/attestations/{code}").json()["status"] != "valid"
        new_pdf = plain.request.get(reissued.locator("a").get_attribute("href"))
        assert new_pdf.status == 200 and new_pdf.body().startswith(b"%PDF")
        expect(plain.locator(f"[data-attestation='{new_code}'] [data-attestation-pdf]")).to_be_visible()
    finally:
        context.close()

    # In English, the labels of the titles.
    to_english(page)
    names = page.locator("tbody tr td:first-child").all_inner_texts()
    assert sorted(name.split(" ")[0] for name in names) == ["Mr.", "Ms.", "Ms."], names


# 13. The requests list says its filter; "Marquer expédiée" asks first -------------------------------

def test_requests_list_says_its_filter_and_shipping_asks_first(new_page, browser, platform):
    last_name = unique("Envoi")
    scene = paid_session(platform, last_name)
    organization = f"CISSS {last_name}"

    def status() -> str:
        return scene["staff"].call("GET", f"/api/cards/sessions/{scene['id']}").json()["status"]

    page = new_page()
    login_cards_staff(page, platform.password)
    page.get_by_role("link", name="Demandes", exact=True).click()
    expect(page.locator("[data-active-filter]")).to_contain_text("Filtre actif : statut Payée")
    row = page.locator("tbody tr", has_text=organization)

    page.once("dialog", lambda dialog: dialog.dismiss())
    row.get_by_role("button", name="Marquer expédiée").click()
    expect(row).to_be_visible()
    assert status() == "paid"

    context = browser.new_context(base_url=platform.base_url, locale="fr-CA", java_script_enabled=False)
    try:
        plain = context.new_page()
        login_cards_staff(plain, platform.password)
        plain.goto("/staff/sessions")
        plain.locator("tbody tr", has_text=organization).get_by_role("button", name="Marquer expédiée").click()
        expect(plain.get_by_role("heading", name="Marquer cette demande expédiée ?")).to_be_visible()
        expect(plain.locator("[data-confirmation]")).to_contain_text(organization)
        plain.get_by_role("link", name="Annuler").click()
        expect(plain.locator("tbody tr", has_text=organization)).to_be_visible()
        assert status() == "paid"
    finally:
        context.close()

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Marquer expédiée").click()
    expect(page.locator(".flash.success")).to_contain_text("Cartes marquées expédiées")
    assert status() == "shipped"
    expect(page.locator("tbody tr", has_text=organization)).to_have_count(0)     # the list is still on "Payée"

    page.locator("[data-active-filter]").get_by_role("link", name="Voir toutes les demandes").click()
    expect(page.locator("[data-active-filter]")).to_contain_text("Toutes les demandes")
    expect(page.locator("tbody tr", has_text=organization)).to_contain_text("Expédiée")

    to_english(page)
    page.goto("/staff/sessions")
    expect(page.locator("[data-active-filter]")).to_contain_text("Active filter: status Paid")
    expect(page.locator("[data-active-filter]").get_by_role("link", name="See all requests")).to_be_visible()


@pytest.mark.parametrize(("typed", "amount"), [
    ("6,00", "6.00"), ("6.00", "6.00"), ("6", "6.00"), ("6,5", "6.50"), ("6 000,50", "6000.50"),
    ("6\u00a0000,50", "6000.50"), ("1,234.56", "1234.56"), ("1.234,56", "1234.56"), ("$6.00", "6.00"),
    ("6,00 $", "6.00"), ("6,00\u00a0$", "6.00"), ("CA$ 6.00", "6.00"), ("6.00 CAD", "6.00"),
    ("six piasses", None), ("", None), ("6,00,00", None), ("-6,00", None), ("12,3456", None), ("6..00", None),
    ("1,00,0", None), ("6 , 00", None),
])
def test_amounts_as_people_type_them(typed, amount):
    from services.web.formatting import parse_money

    parsed = parse_money(typed)
    assert (None if parsed is None else f"{parsed:.2f}") == amount
