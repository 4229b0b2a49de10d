"""Steps the scenarios share, written as a person would do them on the pages."""
from __future__ import annotations

import re
import time
import uuid
from datetime import date, timedelta

import requests
from playwright.sync_api import Page, expect

TRAINER = "ethc123"


def login_trainer(page: Page, password: str, username: str = TRAINER) -> None:
    page.goto("/")
    page.locator("#f-login").fill(username)
    page.locator("#f-password").fill(password)
    page.get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("heading", name="Sessions")).to_be_visible()


def login_aqpm(page: Page, email: str, password: str) -> None:
    page.goto("/aqpm/")
    fill_aqpm_login(page, email, password)
    expect(page.get_by_role("heading", name="Fiches de production")).to_be_visible()


def fill_aqpm_login(page: Page, email: str, password: str, english: bool = False) -> None:
    """The « Connexion » box of the AQPM entry page (its fields found by their labels, inside that box)."""
    form = page.locator("form[action^='/aqpm/login']")
    form.get_by_label("Email" if english else "Courriel", exact=True).fill(email)
    form.get_by_label("Password" if english else "Mot de passe", exact=True).fill(password)
    form.get_by_role("button", name="Log in" if english else "Connexion").click()


def pick_user(page: Page, box: str, typed: str, expected: str) -> None:
    """Types in an "Entrez le nom..." box and picks the suggestion (the directory fills in asynchronously)."""
    field = page.locator(f"#{box}")
    suggestion = page.locator(f"#{box.replace('-search', '-list')} li", has_text=expected)
    for _ in range(40):
        field.fill("")
        field.press_sequentially(typed, delay=20)
        try:
            expect(suggestion).to_be_visible(timeout=1_000)
            break
        except AssertionError:
            continue
    suggestion.click()
    expect(field).to_have_value(re.compile(re.escape(expected)))


def new_session(page: Page, organization: str) -> None:
    """Sessions -> Ajouter -> the three boxes -> "Ajouter les participants"."""
    page.get_by_role("link", name="Sessions", exact=True).click()
    page.get_by_role("link", name="Ajouter").click()
    expect(page.locator("#f-trainer_email")).not_to_have_value("")
    page.locator("#f-organization_type").select_option(index=1)
    page.locator("#f-organization_name").fill(organization)
    page.locator("#f-location").fill("Montréal")
    page.locator("#f-activity_code").select_option(index=1)
    page.locator("#f-end_date").fill((date.today() - timedelta(days=3)).isoformat())
    page.locator("#f-delivery-address").fill("505, boul. De Maisonneuve Ouest")
    page.locator("#f-delivery-city").fill("Montréal")
    page.locator("#f-delivery-postal_code").fill("h3a 3c2")
    page.locator("#f-delivery-attention").fill("Claude Éthier")
    page.get_by_role("button", name="Ajouter les participants").click()
    expect(page.get_by_role("heading", name="Liste des participants")).to_be_visible()


def fill_participant(page: Page, first: str, last: str, born: str) -> None:
    page.locator("#f-title").select_option("mme")
    page.locator("#f-first_name").fill(first)
    page.locator("#f-last_name").fill(last)
    page.locator("#f-birth_date").fill(born)
    page.locator("#f-phone").fill("514 555-0199")
    page.locator("#f-phone_ext").fill("12")


def wait_for_invoice_link(page: Page, timeout: float = 30):
    """The invoice comes from billing through the bus: reload the session sheet until it is there."""
    deadline = time.monotonic() + timeout
    link = page.locator(".status-line a")
    while time.monotonic() < deadline:
        if link.count():
            return link
        time.sleep(0.5)
        page.reload()
    raise AssertionError("the invoice never appeared on the session sheet")


def register_member(platform, password: str, first_name: str = "Rosalie", last_name: str = "Gagnon",
                    prefix: str = "membre") -> str:
    """A new AQPM member, French profile, registered through the gateway; returns their address."""
    address = f"{prefix}.{uuid.uuid4().hex[:10]}@exemple.ca"
    response = requests.post(platform.url("/api/auth/register"), timeout=10, json={
        "first_name": first_name, "last_name": last_name, "email": address, "email_confirmation": address,
        "password": password, "password_confirmation": password, "language": "fr"})
    assert response.status_code == 201, response.text
    return address
