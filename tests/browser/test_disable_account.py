"""AQPM staff disable a member's account from the back office, and enable it again (issue 17, item 11).

The member's open session ends by itself (every service refuses the account within a minute, auth
refuses the refresh), their login then says the account is disabled, and enabling lets them back in.
"""
from __future__ import annotations

import time
import uuid

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.pages import fill_aqpm_login, login_aqpm

pytestmark = pytest.mark.browser
PASSWORD = "Un-mot-de-passe-solide-2026"


def register_member(platform) -> tuple[str, str]:
    last_name = f"Desactive{uuid.uuid4().hex[:6]}"
    email = f"{last_name.lower()}@example.org"
    answer = requests.post(platform.url("/api/auth/register"), timeout=10, json={
        "first_name": "Gaëlle", "last_name": last_name, "email": email, "email_confirmation": email,
        "password": PASSWORD, "password_confirmation": PASSWORD})
    assert answer.status_code == 201, answer.text
    return email, last_name


def test_staff_disable_a_member_who_is_then_shown_the_door_and_enable_them_again(new_page, platform):
    email, last_name = register_member(platform)
    member = new_page()
    login_aqpm(member, email, PASSWORD)

    staff = new_page()
    staff.goto("/aqpm/")
    fill_aqpm_login(staff, "staff@aqpm.demo", platform.password)
    staff.goto(f"/aqpm/users?q={last_name}")
    staff.get_by_role("link", name="Gaëlle").click()
    expect(staff.locator("#account-status")).to_have_text("Actif")
    staff.once("dialog", lambda dialog: dialog.accept())
    staff.get_by_role("button", name="Désactiver le compte").click()
    expect(staff.locator("#account-status")).to_have_text("Désactivé")
    expect(staff.locator(".flash.success")).to_contain_text("est désactivé")
    trail = staff.locator("table")                      # the account's security trail says who did what
    expect(trail).to_contain_text("Compte désactivé")
    expect(trail).to_contain_text("Connexion")

    deadline = time.monotonic() + 75  # each service re-reads the disabled accounts every 5 s here (30 s in production)
    member.goto("/aqpm/sheets")
    while "/aqpm/login" not in member.url and time.monotonic() < deadline:
        time.sleep(1)
        member.goto("/aqpm/sheets")
    expect(member.get_by_role("heading", name="Connexion")).to_be_visible()
    fill_aqpm_login(member, email, PASSWORD)
    expect(member.locator("main")).to_contain_text("Ce compte est désactivé.")

    staff.get_by_role("button", name="Réactiver le compte").click()
    expect(staff.locator("#account-status")).to_have_text("Actif")
    login_aqpm(member, email, PASSWORD)
