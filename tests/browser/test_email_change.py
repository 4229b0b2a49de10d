"""Changing one's email in a real browser through the real stack (issue 17, 2).

The profile page (both portals) asks for the current password when the email changes and says a
confirmation was sent; the new address becomes the login only once the link the mail catcher
received is followed, from a page that works for a logged-out person; the old address is told, and
its "this was not me" link cancels the change, ends the sessions and burns the password.
"""
from __future__ import annotations

import random
import re
import string
import uuid

import requests
from playwright.sync_api import expect

from tests.browser.conftest import shot
from tests.browser.pages import fill_aqpm_login, login_aqpm, login_trainer

PASSWORD = "Lune-Trombone-Vert-2026"


def _address(prefix: str) -> str:
    return f"{prefix}.{uuid.uuid4().hex[:10]}@exemple.ca"


def _register_member(platform) -> str:
    address = _address("membre")
    response = requests.post(platform.url("/api/auth/register"), timeout=10, json={
        "first_name": "Rosalie", "last_name": "Gagnon", "email": address, "email_confirmation": address,
        "password": PASSWORD, "password_confirmation": PASSWORD, "language": "fr"})
    assert response.status_code == 201, response.text
    return address


def _new_trainer(platform, mailbox) -> tuple[str, str]:
    """A trainer of its own, created by ASSTSAS staff, whose temporary password is changed for PASSWORD."""
    mark = mailbox.mark()
    staff = requests.post(platform.url("/api/auth/login"), timeout=10,
                          json={"login": "staff@asstsas.demo", "password": platform.password}).json()
    letters = "".join(random.choice(string.ascii_lowercase) for _ in range(4))
    username, address = f"{letters}{random.randint(100, 999)}", _address("formateur")
    created = requests.post(platform.url("/api/auth/trainers"), timeout=10,
                            headers={"Authorization": f"Bearer {staff['access_token']}"},
                            json={"card_number": f"{username}-01", "first_name": "Léa", "last_name": "Roy",
                                  "email": address})
    assert created.status_code == 201, created.text
    welcome = mailbox.wait_for(address, template="trainer_account_created", after=mark)
    temporary = re.search(r"Mot de passe temporaire\s*:\s*(\S+)", welcome.text).group(1)
    tokens = requests.post(platform.url("/api/auth/login"), timeout=10,
                           json={"login": username, "password": temporary}).json()
    changed = requests.post(platform.url("/api/auth/me/password"), timeout=10,
                            headers={"Authorization": f"Bearer {tokens['access_token']}"},
                            json={"old_password": temporary, "new_password": PASSWORD,
                                  "new_password_confirmation": PASSWORD})
    assert changed.status_code == 204, changed.text
    return username, address


def _api_login(platform, login: str, password: str = PASSWORD) -> int:
    return requests.post(platform.url("/api/auth/login"), json={"login": login, "password": password},
                         timeout=10).status_code


def _ask_for(page, new_address: str, current_password: str | None) -> None:
    page.locator("#f-email").fill(new_address)
    page.locator("#f-current_password").fill(current_password or "")
    page.get_by_role("button", name="Sauvegarder le courriel").click()


def _platform_link(message, platform, path_part: str) -> str:
    [link] = {link for link in message.links if link.startswith(platform.base_url) and path_part in link}
    return link


def test_an_aqpm_member_changes_email_with_password_and_confirms_logged_out(new_page, platform, mailbox):
    old_address, new_address = _register_member(platform), _address("nouvelle")
    page = new_page()
    login_aqpm(page, old_address, PASSWORD)
    page.goto("/aqpm/profile")

    _ask_for(page, new_address, None)  # a stolen session alone is not enough
    expect(page.locator("#f-current_password")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("main")).to_contain_text("Entrez votre mot de passe actuel")
    _ask_for(page, new_address, "pas-le-bon-mot-de-passe")
    expect(page.locator("main")).to_contain_text("Le mot de passe actuel est incorrect")

    mark = mailbox.mark()
    _ask_for(page, new_address, PASSWORD)
    expect(page.locator(".flash.success")).to_contain_text(f"Un lien de confirmation a été envoyé à {new_address}")
    expect(page.locator("#f-email")).to_have_value(old_address)  # still the login until confirmed
    expect(page.locator("main")).to_contain_text("En attente de confirmation")
    shot(page, "email-change-pending")
    assert _api_login(platform, new_address) == 401

    confirm = mailbox.wait_for(new_address, template="email_change_confirm", after=mark)
    notice = mailbox.wait_for(old_address, template="email_change_notice", after=mark)
    assert new_address in notice.text and "Ce n'était pas moi" in notice.text
    link = _platform_link(confirm, platform, "/email/confirm/")
    assert link.startswith(platform.url("/aqpm/email/confirm/"))

    visitor = new_page()  # logged out, as from a phone's mail app
    visitor.goto(link)
    expect(visitor.get_by_role("heading", name="Confirmation de la nouvelle adresse courriel")).to_be_visible()
    visitor.get_by_role("button", name="Confirmer ma nouvelle adresse").click()
    expect(visitor.get_by_role("status")).to_contain_text("Votre nouvelle adresse courriel est confirmée")
    shot(visitor, "email-change-confirmed")
    visitor.goto(link)  # single use
    visitor.get_by_role("button", name="Confirmer ma nouvelle adresse").click()
    expect(visitor.get_by_role("alert")).to_contain_text("Ce lien n'est plus valide")

    assert _api_login(platform, old_address) == 401
    later = new_page()
    later.goto("/aqpm/")
    fill_aqpm_login(later, new_address, PASSWORD)
    expect(later.get_by_role("heading", name="Fiches de production")).to_be_visible()


def test_a_trainer_s_old_address_says_this_was_not_me(new_page, platform, mailbox):
    username, old_address = _new_trainer(platform, mailbox)
    page = new_page()
    login_trainer(page, PASSWORD, username)
    page.goto("/profile")
    mark = mailbox.mark()
    thief_address = _address("voleur")
    _ask_for(page, thief_address, PASSWORD)
    expect(page.locator(".flash.success")).to_contain_text(f"Un lien de confirmation a été envoyé à {thief_address}")

    other_session = requests.post(platform.url("/api/auth/login"), timeout=10,
                                  json={"login": username, "password": PASSWORD}).json()["refresh_token"]
    notice = mailbox.wait_for(old_address, template="email_change_notice", after=mark)
    link = _platform_link(notice, platform, "/email/cancel/")
    assert "/aqpm" not in link  # the ASSTSAS portal's page
    owner = new_page()  # logged out
    owner.goto(link)
    owner.get_by_role("button", name="Annuler le changement et protéger mon compte").click()
    expect(owner.get_by_role("status")).to_contain_text("Le changement d'adresse est annulé")
    shot(owner, "email-change-cancelled")

    confirm = mailbox.wait_for(thief_address, template="email_change_confirm", after=mark)
    thief = new_page()
    thief.goto(_platform_link(confirm, platform, "/email/confirm/"))
    thief.get_by_role("button", name="Confirmer ma nouvelle adresse").click()
    expect(thief.get_by_role("alert")).to_contain_text("Ce lien n'est plus valide")

    assert _api_login(platform, username) == 401                   # the known password is burnt
    refused = requests.post(platform.url("/api/auth/refresh"), json={"refresh_token": other_session}, timeout=10)
    assert refused.status_code == 401                              # every session ended
    reset = mailbox.wait_for(old_address, template="password_reset", after=mark)
    assert "ne fonctionne plus" in reset.text
    temporary = re.search(r"Mot de passe temporaire\s*:\s*(\S+)", reset.text).group(1)
    assert _api_login(platform, username, temporary) == 200
