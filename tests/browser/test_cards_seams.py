"""The trainer portal's seams, page -> API and back, in a real browser on the real stack:

- a card that fails the checksum, or has expired, is refused beside its field before anything is
  submitted (the request stays "new", no invoice);
- an emptied trainer email is refused beside the field, never replaced by the profile's;
- a CSV import with a bad line says which line, which column and why, in the page's language;
- titles show as labels; each error shows once; "Soumettre" says it is working while it waits;
- a paid and shipped request is shown read-only and links to its attestations' PDFs.
"""
from __future__ import annotations

import re
import time

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import no_english_half, shot, unique
from tests.browser.pages import TRAINER, login_trainer, new_session

pytestmark = pytest.mark.browser

THREE_PARTICIPANTS = ("Titre;Prénom;Nom;Date de naissance;Téléphone;Poste\n"
                      "Mme;Diane;Côté;1980-01-15;514 555-0101;\n"
                      "M.;Éric;Lavoie;1975-06-20;514 555-0102;3\n"
                      "Mme;Fanny;Morin;1990-09-09;514 555-0103;\n")


class Api:
    """The platform's API as one person, to check what was (not) written."""

    def __init__(self, platform, login: str):
        self.base = platform.base_url
        answer = requests.post(self.base + "/api/auth/login", json={"login": login, "password": platform.password},
                               timeout=10)
        answer.raise_for_status()
        self.headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}

    def get(self, path: str, **params) -> dict:
        answer = requests.get(self.base + path, headers=self.headers, params=params, timeout=10)
        answer.raise_for_status()
        return answer.json()

    def post(self, path: str, body: dict) -> requests.Response:
        return requests.post(self.base + path, headers=self.headers, json=body, timeout=10)


def field_error(page, field_id: str):
    return page.locator(f".field:has(#{field_id}) .field-error")


def session_id_of(page) -> str:
    found = re.search(r"/sessions/([0-9a-f-]{36})", page.url)
    assert found, page.url
    return found.group(1)


def import_csv(page, content: str) -> None:
    page.locator("#f-file").set_input_files(files=[{"name": "participants.csv", "mimeType": "text/csv",
                                                    "buffer": content.encode("utf-8")}])
    page.locator("form[action$='/participants/import'] button[type=submit]").click()


def fill_card(page, number: str, month: str = "12", year: str = "2031", cvc: str = "123") -> None:
    page.locator("#f-payment_method").select_option("credit_card")
    page.locator("#f-card-holder").fill("Claude Ethier")
    page.locator("#f-card-number").fill(number)
    page.locator("#f-card-exp_month").fill(month)
    page.locator("#f-card-exp_year").fill(year)
    page.locator("#f-card-cvc").fill(cvc)
    page.locator("#f-billed_to").select_option("individual")


def assert_nothing_submitted(api: Api, session_id: str) -> None:
    assert api.get(f"/api/cards/sessions/{session_id}")["status"] == "new"
    assert api.get("/api/billing/invoices", session_id=session_id)["total"] == 0


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


def fill_session_without_trainer_email(page) -> None:
    page.locator("#f-trainer_email").fill("")
    page.locator("#f-organization_type").select_option(index=1)
    page.locator("#f-organization_name").fill(unique("Sans courriel "))
    page.locator("#f-location").fill("Montréal")
    page.locator("#f-activity_code").select_option(index=1)
    page.locator("#f-end_date").fill("2026-01-05")
    page.locator("#f-delivery-address").fill("1, rue Principale")
    page.locator("#f-delivery-city").fill("Montréal")
    page.locator("#f-delivery-postal_code").fill("H3A 3C2")
    page.locator("#f-delivery-attention").fill("Réception")
    page.locator("#f-delivery-email").fill("reception@exemple.ca")


def test_an_emptied_trainer_email_is_refused_not_replaced(new_page, platform):
    page = new_page()
    login_trainer(page, platform.password)
    api = Api(platform, TRAINER)
    before = api.get("/api/cards/sessions", limit=1)["total"]
    page.get_by_role("link", name="Ajouter").click()
    fill_session_without_trainer_email(page)
    page.get_by_role("button", name="Ajouter les participants").click()
    expect(field_error(page, "f-trainer_email")).to_have_text("Champ obligatoire.")
    expect(page.locator("#f-trainer_email")).to_have_value("")
    expect(page.locator(".flash.error")).to_have_count(1)
    assert api.get("/api/cards/sessions", limit=1)["total"] == before           # nothing created

    page.get_by_role("link", name="English").click()
    expect(page.locator("#f-trainer_email")).not_to_have_value("")           # a fresh form: the profile's
    fill_session_without_trainer_email(page)
    page.get_by_role("button", name="Add the participants").click()
    expect(field_error(page, "f-trainer_email")).to_have_text("Required field.")
    assert api.get("/api/cards/sessions", limit=1)["total"] == before


def test_a_csv_line_in_error_is_named_with_its_column_and_titles_show_as_labels(new_page, platform):
    page = new_page()
    login_trainer(page, platform.password)
    new_session(page, unique("Import "))
    expect(page.locator("[data-csv-header]")).to_have_text("Titre;Prénom;Nom;Date de naissance;Téléphone;Poste")
    bad = THREE_PARTICIPANTS.replace("1975-06-20", "1975-20-45")               # line 3: no such date
    import_csv(page, bad)
    result = page.locator("[data-import-result]")
    expect(result.locator("li[data-line='3']")).to_have_text(re.compile(r"^Ligne 3, Date de naissance : Date invalide"))
    expect(result).to_contain_text("aucun participant n'a été ajouté")
    expect(page.locator("table tbody tr")).to_have_count(0)                     # all or nothing
    shot(page, "cards-import-line-error")

    page.get_by_role("link", name="English").click()
    expect(page.locator("[data-csv-header]")).to_have_text("Title;First name;Last name;Date of birth;Phone;Ext")
    import_csv(page, bad)
    expect(page.locator("[data-import-result] li[data-line='3']")).to_have_text(
        re.compile(r"^Line 3, Date of birth: Invalid date"))
    assert no_english_half(page.locator("main").inner_text())

    import_csv(page, THREE_PARTICIPANTS)
    expect(page.locator("table tbody tr")).to_have_count(3)
    expect(page.locator("td[data-title='mme']").first).to_have_text("Ms.")
    expect(page.locator("td[data-title='m']")).to_have_text("Mr.")
    page.get_by_role("link", name="Français").click()
    expect(page.locator("td[data-title='mme']").first).to_have_text("Mme")
    expect(page.locator("td[data-title='m']")).to_have_text("M.")

    page.goto("/help")
    expect(page.locator("[data-csv-header]")).to_have_text("Titre;Prénom;Nom;Date de naissance;Téléphone;Poste")


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


def _wait_for_status(api: Api, session_id: str, wanted: str, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if api.get(f"/api/cards/sessions/{session_id}")["status"] == wanted:
            return
        time.sleep(0.5)
    raise AssertionError(f"the request never became {wanted}")


def test_a_shipped_request_is_read_only_and_prints_its_attestations(new_page, platform):
    page = new_page()
    login_trainer(page, platform.password)
    new_session(page, unique("Expédiée "))
    session_id = session_id_of(page)
    import_csv(page, THREE_PARTICIPANTS)
    page.get_by_role("link", name=re.compile("^Paiement")).first.click()
    fill_card(page, "4242 4242 4242 4242")
    page.get_by_role("button", name="Soumettre").click()
    expect(page.locator(".flash.success")).to_contain_text("Paiement accepté")
    trainer = Api(platform, TRAINER)
    _wait_for_status(trainer, session_id, "paid")
    staff = Api(platform, "staff@asstsas.demo")
    assert staff.post(f"/api/cards/sessions/{session_id}/ship", {}).status_code == 200

    page.goto(f"/sessions/{session_id}")
    sheet = page.locator("[data-readonly]")
    expect(sheet).to_contain_text("Montréal")
    expect(page.locator("main input:not([type=hidden]), main select")).to_have_count(0)   # nothing looks typeable
    link = page.locator("[data-attestations-pdf]")
    expect(link).to_be_visible()
    pdf = page.request.get(link.get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"].startswith("application/pdf")
    assert pdf.body().startswith(b"%PDF")

    page.get_by_role("link", name=re.compile("^Liste des participants")).click()
    one = page.locator("table tbody a[href$='/pdf']").first
    expect(one).to_be_visible()
    pdf = page.request.get(one.get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    page.locator("table tbody tr").first.locator("a").first.click()
    expect(page.locator("[data-readonly]")).to_contain_text("Côté")
    expect(page.locator("main input:not([type=hidden]), main select")).to_have_count(0)

    page.get_by_role("link", name="English").click()
    page.goto(f"/sessions/{session_id}")
    expect(page.locator(".status-line")).to_contain_text("Status:")
    expect(page.locator("[data-attestations-pdf]")).to_have_text("Print the attestations (PDF)")


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
