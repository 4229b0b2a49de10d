"""The seams of the AQPM portal and the staff back office, walked in Chromium as people do them
(issue 16): the AQPM login's refusal, unique ids, staff payments typed the French way, titles and
attestation PDFs in the staff search, confirmation before reissuing or shipping, the active filter of
the requests list, no house created from an unpicked delegate, the hint for a member without access,
the SET demo page, the favicon and English spacing. Each refusal is checked to have written nothing."""
from __future__ import annotations

import re
import time
import uuid
from datetime import date, timedelta

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.browser.conftest import unique
from tests.browser.pages import login_aqpm

pytestmark = pytest.mark.browser
MEMBER_PASSWORD = "Plateau-2026-secret"


# API steps that set the scene (what other people did before the person of the test arrives) ---------

class Api:
    """Calls through the gateway with a bearer token, like any client of the platform."""

    def __init__(self, platform, login: str, password: str):
        self.base_url = platform.base_url
        response = requests.post(f"{self.base_url}/api/auth/login", json={"login": login, "password": password},
                                 timeout=15)
        assert response.status_code == 200, response.text
        self.token = response.json()["access_token"]

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return requests.request(method, self.base_url + path, headers=headers, timeout=15, **kwargs)


def eventually(check, timeout: float = 45.0):
    """The bus is asynchronous: ask again until the answer is there."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.4)
    raise AssertionError("never happened")


def invoiced_session(platform, last_name: str) -> dict:
    """The demo trainer's request for 3 participants (6,00 $), submitted by cheque and invoiced."""
    trainer = Api(platform, "ethc123", platform.password)
    reference = trainer.call("GET", "/api/cards/reference").json()
    body = {"organization_type": reference["organization_types"][0]["code"],
            "organization_name": f"CISSS {last_name}", "location": "Longueuil",
            "activity_code": reference["activities"][0]["code"],
            "end_date": (date.today() - timedelta(days=3)).isoformat(),
            "delivery": {"address": "1000, rue Sherbrooke Ouest", "city": "Montréal", "postal_code": "H2X 1Y4",
                         "attention": "Service SST", "email": "sst.seams@example.org"}}
    if reference["organization_types"][0].get("requires_institution"):
        body["institution_id"] = reference["institutions"][0]["id"]
        body.pop("organization_name")
    created = eventually(lambda: (lambda r: r if r.status_code == 201 else None)(
        trainer.call("POST", "/api/cards/sessions", json=body)))
    session = created.json()
    for first, title in (("Josée", "mme"), ("Marc", "m"), ("Line", "mme")):
        added = trainer.call("POST", f"/api/cards/sessions/{session['id']}/participants", json={
            "title": title, "first_name": first, "last_name": last_name, "birth_date": "1985-04-12",
            "phone": "514 555-0199", "phone_ext": ""})
        assert added.status_code == 201, added.text
    submitted = trainer.call("POST", f"/api/cards/sessions/{session['id']}/submit",
                             json={"payment_method": "cheque", "billed_to": "organization"})
    assert submitted.status_code == 202, submitted.text
    invoice = eventually(lambda: next((i for i in trainer.call("GET", "/api/billing/invoices", params={"limit": 100})
                                       .json()["items"] if i["session_id"] == session["id"]), None))
    return {"id": session["id"], "invoice": invoice, "trainer": trainer}


def cards_staff_api(platform) -> Api:
    return Api(platform, "staff@asstsas.demo", platform.password)


def paid_session(platform, last_name: str) -> dict:
    """An invoiced request whose cheque staff recorded through the API, then paid and its cards issued."""
    scene = invoiced_session(platform, last_name)
    staff = cards_staff_api(platform)
    paid = staff.call("POST", f"/api/billing/invoices/{scene['invoice']['id']}/payments",
                      json={"method": "cheque", "amount": "6.00", "reference": f"CHQ-{last_name}"},
                      headers={"Idempotency-Key": uuid.uuid4().hex})
    assert paid.status_code == 201, paid.text
    eventually(lambda: staff.call("GET", f"/api/cards/sessions/{scene['id']}").json()["status"] == "paid")
    eventually(lambda: all(p["attestations"] for p in staff.call(
        "GET", "/api/cards/participants", params={"last_name": last_name}).json()["items"]))
    return {**scene, "staff": staff}


def login_cards_staff(page: Page, password: str) -> None:
    page.goto("/")
    page.locator("#f-login").fill("staff@asstsas.demo")
    page.locator("#f-password").fill(password)
    page.get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("link", name="Paiements")).to_be_visible()


def to_english(page: Page) -> None:
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def register_member(platform, last_name: str) -> tuple[str, str]:
    email = f"{last_name.lower()}@exemple.ca"
    response = requests.post(f"{platform.base_url}/api/auth/register", timeout=15, json={
        "first_name": "Nora", "last_name": last_name, "email": email, "email_confirmation": email,
        "password": MEMBER_PASSWORD, "password_confirmation": MEMBER_PASSWORD})
    assert response.status_code == 201, response.text
    return email, response.json()["id"]


# What the DOM must hold on every page: unique ids, labels tied to their own fields ------------------

PAGE_CHECK = """() => {
  const seen = new Set(), duplicates = [];
  document.querySelectorAll('[id]').forEach(el => { if (seen.has(el.id)) duplicates.push(el.id); seen.add(el.id); });
  const strays = [];
  document.querySelectorAll('label[for]').forEach(label => {
    const field = document.getElementById(label.htmlFor);
    if (!field || (label.closest('form') && field.closest('form') !== label.closest('form'))) strays.push(label.htmlFor);
  });
  const unlabelled = [];
  document.querySelectorAll('input:not([type=hidden]), select, textarea').forEach(field => {
    if (!(field.labels && field.labels.length) && !field.getAttribute('aria-label')) unlabelled.push(field.name || field.id);
  });
  return {duplicates, strays, unlabelled};
}"""


def assert_ids_and_labels(page: Page) -> None:
    found = page.evaluate(PAGE_CHECK)
    assert found == {"duplicates": [], "strays": [], "unlabelled": []}, (page.url, found)


# 3. The AQPM login says why it refused, once, in the page's language --------------------------------

def test_aqpm_wrong_password_is_said_once_in_french_and_english(new_page, platform):
    page = new_page()
    page.goto("/aqpm/")
    login = page.locator("form[action^='/aqpm/login']")
    login.locator("input[name=email]").fill("membre@aqpm.demo")
    login.locator("input[name=password]").fill("pas-le-bon-mot-de-passe")
    login.get_by_role("button", name="Connexion").click()
    expect(page.locator(".flash.error")).to_have_text(["Courriel ou mot de passe incorrect."])
    expect(page.locator("main")).not_to_contain_text("Fiches de production")
    expect(login.locator("input[name=email]")).to_have_value("membre@aqpm.demo")   # what was typed stays

    to_english(page)
    login = page.locator("form[action^='/aqpm/login']")
    login.locator("input[name=email]").fill("membre@aqpm.demo")
    login.locator("input[name=password]").fill("still-the-wrong-one")
    login.get_by_role("button", name="Log in").click()
    expect(page.locator(".flash.error")).to_have_text(["Wrong email or password."])

    # The registration form beside it shows its own refusal beside its fields, and the login's is gone.
    register = page.locator("form[action='/aqpm/register']")
    register.locator("input[name=first_name]").fill("Zoé")
    register.locator("input[name=last_name]").fill("Essai")
    register.locator("input[name=email]").fill("zoe@exemple.ca")
    register.locator("input[name=email_confirmation]").fill("zoe@autre.ca")
    register.get_by_role("button", name="Register").click()
    expect(register.locator(".field-error").first).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Wrong email or password.")
    messages = page.locator(".flash.error, .field-error").all_inner_texts()
    assert len(messages) == len(set(messages)), messages                        # each message once


# 12. Unique ids, labels that focus their own field ---------------------------------------------------

def test_aqpm_entry_labels_focus_their_own_fields(new_page, platform):
    page = new_page()
    page.goto("/aqpm/")
    login = page.locator("form[action^='/aqpm/login']")
    login.get_by_text("Courriel", exact=True).click()
    assert page.evaluate("document.activeElement.form && document.activeElement.form.getAttribute('action')") \
        .startswith("/aqpm/login")
    login.get_by_label("Courriel").fill("membre@aqpm.demo")
    login.get_by_label("Mot de passe").fill(platform.password)
    login.get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("heading", name="Fiches de production")).to_be_visible()


def test_every_id_is_unique_and_every_label_has_its_field(new_page, platform):
    staff_api = Api(platform, "staff@aqpm.demo", platform.password)
    house = staff_api.call("POST", "/api/productions/houses", json={
        "name": f"Productions Identifiants {unique('')}", "status": "active", "delegate_ids": []}).json()
    sheet = staff_api.call("POST", "/api/productions/sheets", json={"house_id": house["id"], "title": "Les Étiquettes"})
    assert sheet.status_code == 201, sheet.text
    sheet_id = sheet.json()["id"]
    for language in ("fr", "en"):
        anonymous = new_page()
        for path in ("/aqpm/", "/aqpm/password/forgot"):
            anonymous.goto(path)
            if language == "en" and path == "/aqpm/":
                to_english(anonymous)
            assert_ids_and_labels(anonymous)

        cards_staff = new_page()
        login_cards_staff(cards_staff, platform.password)
        if language == "en":
            to_english(cards_staff)
        for path in ("/staff/trainers", "/staff/reference", "/staff/sessions", "/staff/payments",
                     "/staff/participants?last_name=Tremblay"):
            cards_staff.goto(path)
            assert_ids_and_labels(cards_staff)

        aqpm_staff = new_page()
        login_aqpm(aqpm_staff, "staff@aqpm.demo", platform.password)
        if language == "en":
            to_english(aqpm_staff)
        for path in ("/staff/houses", "/aqpm/sheets", "/aqpm/houses", "/aqpm/producers", "/aqpm/users?q=demo",
                     "/aqpm/sheets/new", f"/aqpm/houses/{house['id']}", f"/aqpm/sheets/{sheet_id}",
                     f"/aqpm/sheets/{sheet_id}/edit", f"/aqpm/sheets/{sheet_id}/access"):
            aqpm_staff.goto(path)
            assert_ids_and_labels(aqpm_staff)


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


# 11. "Créer une maison": a typed but unpicked delegate is refused, nothing created --------------------

def test_house_with_an_unpicked_delegate_is_refused(new_page, platform):
    staff_api = Api(platform, "staff@aqpm.demo", platform.password)

    def houses_named(name: str) -> int:
        return staff_api.call("GET", "/api/productions/houses", params={"q": name, "limit": 200}).json()["total"]

    page = new_page()
    login_aqpm(page, "staff@aqpm.demo", platform.password)
    page.goto("/staff/houses")
    name = f"Productions Sans Délégué {unique('')}"
    page.locator("#f-name").fill(name)
    page.locator("#f-user_id-search").fill("Quelqu'un pas choisi")
    page.get_by_role("button", name="Créer").click()
    expect(page.locator(".field-error")).to_have_text(["Choisissez une personne dans la liste."])
    assert houses_named(name) == 0

    to_english(page)
    page.locator("#f-name").fill(name)
    page.locator("#f-user_id-search").fill("Someone not picked")
    page.get_by_role("button", name="Create").click()
    expect(page.locator(".field-error")).to_have_text(["Pick a person from the list."])
    assert houses_named(name) == 0


# 13. Each error once: a refusal that names its field is not repeated on top --------------------------

def test_a_field_refusal_is_shown_once(new_page, platform):
    staff_api = Api(platform, "staff@aqpm.demo", platform.password)
    name = f"Productions Doublon {unique('')}"
    assert staff_api.call("POST", "/api/productions/houses",
                          json={"name": name, "status": "active", "delegate_ids": []}).status_code == 201
    page = new_page()
    login_aqpm(page, "staff@aqpm.demo", platform.password)
    page.goto("/staff/houses")
    page.locator("#f-name").fill(name)
    page.get_by_role("button", name="Créer").click()
    expect(page.locator(".field:has(#f-name) .field-error")).to_be_visible()
    said = page.locator(".field:has(#f-name) .field-error").inner_text()
    assert page.locator("main").inner_text().count(said) == 1, said
    assert staff_api.call("GET", "/api/productions/houses", params={"q": name}).json()["total"] == 1


# 13. A member without access is told whom to ask -------------------------------------------------------

def test_member_without_access_is_told_to_ask_a_house_administrator(new_page, platform):
    last_name = unique("Sansacces")
    email, _user_id = register_member(platform, last_name)
    page = new_page()
    login_aqpm(page, email, MEMBER_PASSWORD)
    expect(page.locator("[data-access-hint]")).to_contain_text(
        "demandez-le à un administrateur de sa maison de production")
    to_english(page)
    expect(page.locator("[data-access-hint]")).to_contain_text("ask an administrator of its production house")


# 13. The SET demo page shows what a person reads, not the raw token ------------------------------------

def test_set_demo_shows_the_verified_claims_not_the_token(new_page, platform):
    last_name = unique("Versset")
    email, user_id = register_member(platform, last_name)
    staff_api = Api(platform, "staff@aqpm.demo", platform.password)
    house = f"Productions {last_name}"
    created = eventually(lambda: (lambda r: r if r.status_code == 201 else None)(staff_api.call(
        "POST", "/api/productions/houses", json={"name": house, "status": "active", "delegate_ids": [user_id]})))
    assert created.json()["name"] == house
    member = Api(platform, email, MEMBER_PASSWORD)
    title = f"Le Tournage {last_name}"
    sheet = member.call("POST", "/api/productions/sheets", json={"house_id": created.json()["id"], "title": title})
    assert sheet.status_code == 201, sheet.text

    page = new_page()
    login_aqpm(page, email, MEMBER_PASSWORD)
    to_english(page)
    page.get_by_role("link", name=title).click()
    page.get_by_role("button", name="Go to SET").click()
    page.wait_for_url(re.compile(r"/set-demo\?token="))
    token = page.url.split("token=", 1)[1]
    expect(page.locator("[data-handoff-user]")).to_contain_text(email)
    main = page.locator("main").inner_text()
    assert token[:40] not in main and "eyJ" not in main                          # no raw JWT to read
    expect(page.locator("[data-handoff-production]")).to_have_text(title)
    expect(page.locator("[data-handoff-house]")).to_have_text(house)
    expect(page.locator("[data-handoff-expiry]")).to_contain_text(str(date.today().year))


# 13. A favicon served by the platform; English pages without French spacing ---------------------------

def test_favicon_and_english_spacing(new_page, platform):
    page = new_page()
    page.goto("/")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    served = page.request.get(icon)
    assert served.status == 200 and served.headers["content-type"].startswith("image/svg+xml")
    assert page.request.get("/favicon.ico").status == 200

    login_cards_staff(page, platform.password)
    to_english(page)
    for path in ("/staff/sessions", "/staff/payments", "/staff/participants?last_name=Tremblay", "/staff/trainers"):
        page.goto(path)
        text = page.locator("body").inner_text()
        assert not re.search(r"\w \:", text), (path, re.findall(r".{0,30}\w \:.{0,10}", text))
    aqpm = new_page()
    login_aqpm(aqpm, "staff@aqpm.demo", platform.password)
    to_english(aqpm)
    for path in ("/staff/houses", "/aqpm/sheets", "/aqpm/sheets/new"):
        aqpm.goto(path)
        text = aqpm.locator("body").inner_text()
        assert not re.search(r"\w \:", text), (path, re.findall(r".{0,30}\w \:.{0,10}", text))


def test_a_missing_aqpm_page_stays_in_the_aqpm_portal(new_page, platform):
    page = new_page()
    response = page.goto("/aqpm/cette-page-n-existe-pas")
    assert response.status == 404
    expect(page.locator("header .brand")).to_contain_text("AQPM")
    page.get_by_role("link", name="Retour à l'accueil").click()
    expect(page).to_have_url(re.compile(r"/aqpm/$"))
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()


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
