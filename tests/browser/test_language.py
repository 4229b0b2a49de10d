"""The person's language in a real browser: a first visit follows the browser's language; the FR/EN switch of a
signed-in member is saved in their profile (auth's GET /me says so, their emails follow), and their next
sign-in on another browser, one that asks for French, is in their language."""
from __future__ import annotations

import requests
from playwright.sync_api import expect

from tests.browser.pages import fill_aqpm_login, register_member

PASSWORD = "Langue-choisie-2026-secret"


def new_member(platform) -> str:
    return register_member(platform, PASSWORD, first_name="Inès", last_name="Tremblay", prefix="langue")


def profile_language(platform, address: str) -> str:
    tokens = requests.post(platform.url("/api/auth/login"), json={"login": address, "password": PASSWORD},
                           timeout=10).json()
    me = requests.get(platform.url("/api/auth/me"), timeout=10,
                      headers={"Authorization": f"Bearer {tokens['access_token']}"})
    return me.json()["language"]


def test_a_first_visit_is_in_the_browsers_language(new_page):
    english = new_page(locale="en-CA")
    english.goto("/")
    expect(english.locator("html")).to_have_attribute("lang", "en")
    expect(english.get_by_role("button", name="Log in")).to_be_visible()
    expect(english.get_by_role("link", name="Français")).to_be_visible()

    french = new_page(locale="fr-CA")
    french.goto("/aqpm/")
    expect(french.locator("html")).to_have_attribute("lang", "fr")
    expect(french.get_by_role("link", name="English")).to_be_visible()


def test_the_switch_of_a_signed_in_member_is_saved_in_their_profile(new_page, platform):
    address = new_member(platform)
    page = new_page(locale="fr-CA")
    page.goto("/aqpm/")
    fill_aqpm_login(page, address, PASSWORD)
    expect(page.get_by_role("heading", name="Fiches de production")).to_be_visible()
    assert profile_language(platform, address) == "fr"

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Production sheets")).to_be_visible()
    assert profile_language(platform, address) == "en"

    # Another browser, asking for French, with no choice made there: the profile's language wins once signed in.
    other = new_page(locale="fr-CA")
    other.goto("/aqpm/")
    expect(other.locator("html")).to_have_attribute("lang", "fr")
    fill_aqpm_login(other, address, PASSWORD)
    expect(other.get_by_role("heading", name="Production sheets")).to_be_visible()
    expect(other.locator("html")).to_have_attribute("lang", "en")

    other.get_by_role("link", name="Français").click()
    expect(other.get_by_role("heading", name="Fiches de production")).to_be_visible()
    assert profile_language(platform, address) == "fr"


def test_the_profile_page_chooses_the_language_of_pages_and_emails(new_page, platform):
    address = new_member(platform)
    page = new_page(locale="fr-CA")
    page.goto("/aqpm/")
    fill_aqpm_login(page, address, PASSWORD)
    page.goto("/aqpm/profile")
    expect(page.get_by_label("Langue des pages et des courriels")).to_have_value("fr")

    page.get_by_label("Langue des pages et des courriels").select_option("en")
    page.get_by_role("button", name="Sauvegarder la langue").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("status").or_(page.locator(".flash")).first).to_contain_text("Your language was changed")
    expect(page.get_by_label("Language of pages and emails")).to_have_value("en")
    assert profile_language(platform, address) == "en"

    page.get_by_label("Language of pages and emails").select_option("fr")
    page.get_by_role("button", name="Save the language").click()
    expect(page.get_by_label("Langue des pages et des courriels")).to_have_value("fr")
    assert profile_language(platform, address) == "fr"
