"""The AQPM guide ("Guide de l'utilisateur / portail AQPM ... SET") step by step in the browser, through
the gateway, for each of its people: two members register (point 2) and get their welcome email; one
logs in (point 3), after a wrong password; AQPM staff create a production house with the other as its
delegate; the delegate adds an administrator (point 4), creates a production sheet and authorizes the
first member on it (point 5); that coordinator goes on to SET (point 6) and must land on the platform's
own /set-demo, on the stack's port. In French, and the whole journey once more in English.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import unique
from tests.browser.journeys.conftest import Lang, choose_language
from tests.browser.journeys.links import AQPM
from tests.browser.pages import fill_aqpm_login, pick_user

pytestmark = pytest.mark.browser
PASSWORD = "Tournage-2026-secret"


def register(page: Page, t: Lang, first: str, last: str, email: str) -> None:
    """Point 2: every field of « Inscription », then « Inscription »."""
    choose_language(page, t, "/aqpm/")
    form = page.locator("form[action='/aqpm/register']")
    form.get_by_label(t("Prénom", "First name")).fill(first)
    form.get_by_label(t("Nom", "Last name"), exact=True).fill(last)
    form.get_by_label(t("Courriel", "Email"), exact=True).fill(email)
    form.get_by_label(t("Confirmation du courriel", "Confirm email")).fill(email)
    form.get_by_label(re.compile("^" + t("Mot de passe", "Password"))).fill(PASSWORD)
    form.get_by_label(t("Confirmation du mot de passe", "Confirm password")).fill(PASSWORD)
    form.get_by_role("button", name=t("Inscription", "Register")).click()
    expect(page.locator(".flash.success")).to_contain_text(t("Bienvenue", "Welcome"))
    expect(page.get_by_role("heading", name=t("Fiches de production", "Production sheets"))).to_be_visible()


def log_out(page: Page, t: Lang) -> None:
    page.get_by_role("button", name=t("Déconnexion", "Log out")).click()
    expect(page.locator("form[action^='/aqpm/login']")).to_be_visible()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_members_house_administrator_coordinator_and_staff_to_set(language, new_page, platform, mailbox, ledger):
    t = Lang(language)
    tag = unique("")
    coordinator_email, delegate_email = f"coordo.{language}.{tag}@exemple.ca", f"deleguee.{language}.{tag}@exemple.ca"
    coordinator_last, delegate_last = f"Coordo{language}{tag}", f"Productrice{language}{tag}"

    # Point 2: two people register; each gets a welcome email of the AQPM portal.
    coordinator = new_page()
    register(coordinator, t, "Gabriel", coordinator_last, coordinator_email)
    ledger.reader(coordinator_email, coordinator_email, PASSWORD, AQPM)
    # Issue 16, defect 13: a member with no sheet is told whom to ask.
    expect(coordinator.locator("main")).to_contain_text(re.compile(t("administrat", "administrator"), re.I))
    delegate = new_page()
    register(delegate, t, "Dalia", delegate_last, delegate_email)
    ledger.reader(delegate_email, delegate_email, PASSWORD, AQPM)

    welcome = mailbox.wait_for(coordinator_email, template="member_welcome")
    assert welcome.language.startswith(language), welcome.language
    assert "asstsas" not in (welcome.text + welcome.html).lower(), welcome.text   # defect 7: its own portal

    # Point 3: log in; a wrong password says so (issue 16, defect 3).
    log_out(coordinator, t)
    fill_aqpm_login(coordinator, coordinator_email, "pas-le-bon-mot-de-passe", english=language == "en")
    expect(coordinator.get_by_role("alert")).to_contain_text(t("incorrect", "Wrong"))
    fill_aqpm_login(coordinator, coordinator_email, PASSWORD, english=language == "en")
    expect(coordinator.get_by_role("heading", name=t("Fiches de production", "Production sheets"))).to_be_visible()

    # AQPM staff create the house; a delegate's name typed but not picked is refused (issue 16, defect 11).
    staff = new_page()
    choose_language(staff, t, "/aqpm/")
    fill_aqpm_login(staff, "staff@aqpm.demo", platform.password, english=language == "en")
    staff.get_by_role("link", name=t("Back-office", "Back office")).first.click()
    staff.goto("/staff/houses") if "/staff/houses" not in staff.url else None
    expect(staff.get_by_role("heading", name=t("Maisons de production", "Production houses"))).to_be_visible()
    house = f"Productions Boréales {language} {tag}"
    staff.get_by_label(t("Nom de la maison", "House name"), exact=True).fill(house)
    staff.locator("#f-user_id-search").fill(delegate_last)
    staff.get_by_role("button", name=t("Créer", "Create"), exact=True).click()
    expect(staff.locator(".field-error, [role=alert]").first).to_be_visible()
    expect(staff.get_by_role("link", name=house)).to_have_count(0)
    staff.get_by_label(t("Nom de la maison", "House name"), exact=True).fill(house)
    pick_user(staff, "f-user_id-search", delegate_last, delegate_email)
    staff.get_by_role("button", name=t("Créer", "Create"), exact=True).click()
    expect(staff.locator("[data-admins]")).to_contain_text(delegate_last)

    # Point 4: the delegate adds an administrator, who gets an email.
    mark = mailbox.mark()
    delegate.get_by_role("link", name=t("Maisons de production", "Production houses")).click()
    delegate.get_by_role("link", name=house).click()
    expect(delegate.get_by_role("heading", name=t("Édition d'une maison de production",
                                                  "Edit a production house"))).to_be_visible()
    pick_user(delegate, "f-user_id-search", "Membre", "Membre Démo")
    delegate.get_by_role("button", name=t("Ajouter", "Add"), exact=True).click()
    expect(delegate.locator("[data-admins]")).to_contain_text("membre@aqpm.demo")
    mailbox.wait_for("membre@aqpm.demo", subject="", containing=house, after=mark)

    # Point 4 (sheets): « + », the sheet with only its required fields, « Créer ».
    delegate.get_by_role("link", name=t("Fiches de production", "Production sheets")).first.click()
    delegate.get_by_role("link", name=t("Créer une fiche de production", "Create a production sheet")).click()
    expect(delegate.locator("main form")).to_contain_text(t("optionnel", "optional"))
    title = f"Les Aurores {language} {tag}"
    delegate.get_by_label(t("Titre de la production", "Production title")).fill(title)
    delegate.get_by_role("button", name=t("Créer", "Create"), exact=True).click()
    expect(delegate.get_by_role("heading", name=title)).to_be_visible()

    # Point 5: « Gérer les accès », the coordinator picked from the list; they get an email.
    mark = mailbox.mark()
    delegate.get_by_role("link", name=t("Gérer les accès", "Manage access")).click()
    pick_user(delegate, "f-user_id-search", coordinator_last, coordinator_last)
    delegate.get_by_role("button", name=t("Ajouter", "Add"), exact=True).click()
    expect(delegate.locator("[data-granted]")).to_contain_text(coordinator_email)
    granted = mailbox.wait_for(coordinator_email, subject="", containing=title, after=mark)
    assert granted.language.startswith(language)

    # Point 6: the coordinator goes on to SET, on this platform's own address and port (issue 16, defect 1),
    # a port of its own, not the embedded default's.
    assert urlsplit(platform.base_url).port not in (8000, 8080), platform.base_url
    coordinator.get_by_role("link", name=t("Fiches de production", "Production sheets")).first.click()
    coordinator.get_by_role("link", name=title).click()
    coordinator.get_by_role("button", name=t("Accéder au SET", "Go to SET")).click()
    coordinator.wait_for_url(re.compile(r"/set-demo"))
    assert coordinator.url.startswith(platform.base_url + "/set-demo?"), coordinator.url
    expect(coordinator.locator("[data-handoff-production]")).to_have_text(title)
    expect(coordinator.locator("[data-handoff-user]")).to_contain_text(coordinator_email)
    token = re.search(r"token=([^&]+)", coordinator.url).group(1)
    # Issue 16, defect 13: what the person reads is the hand-off, not a raw token.
    assert token not in coordinator.locator("main").inner_text()
