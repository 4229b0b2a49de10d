"""Portal 2 in a real browser: registration, a house's delegate adds an administrator by type-ahead,
creates a sheet, grants access, and the granted user goes on to SET with a hand-off token."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import shot, unique
from tests.browser.pages import login_aqpm, pick_user

pytestmark = pytest.mark.browser
PASSWORD = "Tournage-2026-secret"


def register(page: Page, first: str, last: str, email: str) -> None:
    page.goto("/aqpm/")
    form = page.locator("form[action='/aqpm/register']")
    form.locator("#f-first_name").fill(first)
    form.locator("#f-last_name").fill(last)
    form.locator("#f-email").fill(email)
    form.locator("#f-email_confirmation").fill(email)
    form.locator("#f-password").fill(PASSWORD)
    form.locator("#f-password_confirmation").fill(PASSWORD)
    form.get_by_role("button", name="Inscription").click()
    expect(page.locator(".flash.success")).to_contain_text("Bienvenue")


def test_member_delegate_sheet_access_and_set(new_page, platform):
    tag = unique("")
    delegate_email, granted_email = f"deleguee.{tag}@exemple.ca", f"coordo.{tag}@exemple.ca"
    delegate_last, granted_last = f"Productrice{tag}", f"Coordo{tag}"

    delegate = new_page()
    delegate.goto("/aqpm/")
    shot(delegate, "aqpm-entry")
    register(delegate, "Dalia", delegate_last, delegate_email)
    granted = new_page()
    register(granted, "Gabriel", granted_last, granted_email)

    staff = new_page()
    login_aqpm(staff, "staff@aqpm.demo", platform.password)
    staff.goto("/staff/houses")
    house_name = f"Productions Boréales {tag}"
    staff.locator("#f-name").fill(house_name)
    pick_user(staff, "f-user_id-search", delegate_last, delegate_email)
    staff.get_by_role("button", name="Créer").click()
    expect(staff.locator("[data-admins]")).to_contain_text(delegate_last)

    # The delegate adds the demo member as an extra administrator, by type-ahead (P4).
    delegate.get_by_role("link", name="Maisons de production").click()
    delegate.get_by_role("link", name=house_name).click()
    expect(delegate.get_by_role("heading", name="Édition d'une maison de production")).to_be_visible()
    expect(delegate.get_by_placeholder("Entrez le nom de l'utilisateur à ajouter").first).to_be_visible()
    pick_user(delegate, "f-user_id-search", "Membre", "membre@aqpm.demo")
    delegate.get_by_role("button", name="Ajouter", exact=True).click()
    expect(delegate.locator(".flash.success")).to_contain_text("Administrateur ajouté")
    expect(delegate.locator("[data-admins]")).to_contain_text("membre@aqpm.demo")
    shot(delegate, "aqpm-house")

    # A sheet with only the required fields ("optionnel" ones left empty) (P5).
    delegate.get_by_role("link", name="Fiches de production").first.click()
    delegate.get_by_role("link", name="Créer une fiche de production").click()
    expect(delegate.locator("main form")).to_contain_text("optionnel")
    title = f"Les Aurores {tag}"
    delegate.locator("#f-title").fill(title)
    shot(delegate, "aqpm-sheet-form")
    delegate.get_by_role("button", name="Créer").click()
    expect(delegate.get_by_role("heading", name=title)).to_be_visible()

    # "Gérer les accès": the coordinator is authorized on this production (P6).
    delegate.get_by_role("link", name="Gérer les accès").click()
    pick_user(delegate, "f-user_id-search", granted_last, granted_email)
    delegate.get_by_role("button", name="Ajouter", exact=True).click()
    expect(delegate.locator("[data-granted]")).to_contain_text(granted_email)
    shot(delegate, "aqpm-access")

    # The granted user goes to SET from the sheet (P7).
    granted.get_by_role("link", name="Fiches de production").first.click()
    granted.get_by_role("link", name=title).click()
    shot(granted, "aqpm-sheet")
    granted.get_by_role("button", name="Accéder au SET").click()
    granted.wait_for_url(re.compile(r"/set-demo\?token="))
    token = parse_qs(urlsplit(granted.url).query)["token"][0]
    assert token.count(".") == 2                                   # a signed JWT
    expect(granted.locator("[data-handoff]")).to_be_visible()
    assert token not in granted.locator("main").inner_text()      # what a person reads, not the raw JWT
    expect(granted.locator("[data-handoff-production]")).to_have_text(title)
    expect(granted.locator("[data-handoff-user]")).to_contain_text(granted_email)
    shot(granted, "set-demo")

    # Someone registered but not authorized does not even see the sheet (someone else's resource: 404).
    outsider = new_page()
    register(outsider, "Olivier", f"Curieux{tag}", f"curieux.{tag}@exemple.ca")
    response = outsider.goto(urlsplit(delegate.url).path.replace("/access", ""))
    assert response.status == 404
    expect(outsider.get_by_role("button", name="Accéder au SET")).to_have_count(0)
    outsider.get_by_role("link", name="Fiches de production").first.click()
    expect(outsider.locator("main")).not_to_contain_text(title)
