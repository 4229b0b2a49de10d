"""The seams of the AQPM portal, walked in Chromium as people do them (issue 16): the login's refusal,
unique ids and labels, no house created from an unpicked delegate, each refusal once, the hint for a
member without access, the SET demo page, the favicon and English spacing, a missing page."""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import unique
from tests.browser.pages import login_aqpm
from tests.browser.staff_scenes import (
    MEMBER_PASSWORD,
    Api,
    assert_ids_and_labels,
    eventually,
    login_cards_staff,
    register_member,
    to_english,
)

pytestmark = pytest.mark.browser


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
