"""Account seams in a real browser (issue 16, 6 and 7): email -> page -> API, as a new AQPM member lives them.

- The welcome and reset emails of an AQPM member link to the AQPM portal (not the ASSTSAS login).
- A temporary-password login is forced to choose a password, and the page says why; the member
  leaves without changing it, then logs in with the real password: no forced change, the page of a
  voluntary change says it is one, and the temporary password no longer works.
"""
from __future__ import annotations

import random
import re
import string
import uuid

import requests
from playwright.sync_api import expect

from tests.browser.conftest import shot
from tests.browser.pages import register_member

PASSWORD = "Mon-vrai-mot-de-passe-16"


def _aqpm_login(page, address: str, password: str) -> None:
    form = page.locator("form[action^='/aqpm/login']")
    form.locator("#f-login-email").fill(address)
    form.locator("#f-login-password").fill(password)
    form.get_by_role("button", name="Connexion").click()


def _platform_links(message, platform) -> list[str]:
    return [link for link in message.links if link.startswith(platform.base_url)]


def test_an_aqpm_member_s_emails_lead_to_the_aqpm_portal_and_a_real_login_ends_the_forced_change(
        new_page, platform, mailbox):
    mark = mailbox.mark()
    address = register_member(platform, PASSWORD)
    welcome = mailbox.wait_for(address, template="member_welcome", after=mark)
    links = _platform_links(welcome, platform)
    assert links and all(link.startswith(platform.url("/aqpm/")) for link in links), links
    assert "361-4528" not in welcome.text  # ASSTSAS's support line is not AQPM's

    page = new_page()
    page.goto(links[0])                                   # the welcome email's "log in" link
    expect(page.locator("form[action^='/aqpm/login']")).to_be_visible()

    page.get_by_role("link", name=re.compile("Mot de passe oublié")).click()
    page.locator("#f-email").fill(address)
    page.get_by_role("button", name="Demander un nouveau mot de passe").click()
    expect(page.get_by_role("status")).to_contain_text("Si ce compte existe")
    expect(page.locator("main")).to_contain_text("Votre mot de passe actuel reste valide")
    reset = mailbox.wait_for(address, template="password_reset", after=mark)
    temporary = re.search(r"Mot de passe temporaire\s*:\s*(\S+)", reset.text).group(1)
    reset_links = _platform_links(reset, platform)
    assert reset_links and all(link.startswith(platform.url("/aqpm/")) for link in reset_links), reset_links

    # Log in with the temporary password (from the email's link): forced to choose, and told why.
    page.goto(reset_links[0])
    _aqpm_login(page, address, temporary)
    expect(page).to_have_url(re.compile(r"/password/change"))
    expect(page.get_by_role("heading", name="Changement du mot de passe")).to_be_visible()
    expect(page.locator(".flash.info")).to_contain_text("Vous vous êtes connecté avec le mot de passe temporaire")
    expect(page.get_by_label("Ancien mot de passe : le temporaire reçu par courriel")).to_be_visible()
    shot(page, "account-forced-change")
    page.context.close()                                  # ...and leaves without changing it

    # Later, with the real password: straight to the portal, nothing to change.
    later = new_page()
    later.goto("/aqpm/")
    _aqpm_login(later, address, PASSWORD)
    expect(later.get_by_role("heading", name="Fiches de production")).to_be_visible()
    later.goto("/password/change")
    expect(later.get_by_role("heading", name="Changement du mot de passe")).to_be_visible()
    expect(later.locator("main")).to_contain_text("de votre plein gré")
    expect(later.locator("main")).not_to_contain_text("temporaire")
    expect(later.get_by_label("Ancien mot de passe", exact=True)).to_be_visible()
    shot(later, "account-voluntary-change")

    # The temporary password was for the forgotten one: it no longer opens anything.
    refused = requests.post(platform.url("/api/auth/login"), json={"login": address, "password": temporary},
                            timeout=10)
    assert refused.status_code == 401


def _new_trainer(platform) -> tuple[str, str]:
    """A trainer of its own (the demo trainer is left alone): created by ASSTSAS staff through the API."""
    staff = requests.post(platform.url("/api/auth/login"), timeout=10,
                          json={"login": "staff@asstsas.demo", "password": platform.password}).json()
    letters = "".join(random.choice(string.ascii_lowercase) for _ in range(4))
    card, address = f"{letters}{random.randint(100, 999)}-01", f"formateur.{uuid.uuid4().hex[:10]}@exemple.ca"
    created = requests.post(platform.url("/api/auth/trainers"), timeout=10,
                            headers={"Authorization": f"Bearer {staff['access_token']}"},
                            json={"card_number": card, "first_name": "Léa", "last_name": "Roy", "email": address})
    assert created.status_code == 201, created.text
    return card, address


def test_a_trainer_s_emails_lead_to_the_asstsas_login(new_page, platform, mailbox):
    mark = mailbox.mark()
    _card, address = _new_trainer(platform)
    welcome = mailbox.wait_for(address, template="trainer_account_created", after=mark)
    # A reset right after the account's creation would be ignored (AUTH_RESET_COOLDOWN_SECONDS): the
    # demo trainer asks for it. Its real password keeps working (and its next login cancels this one).
    page = new_page()
    page.goto("/password/forgot")
    page.locator("#f-card_number").fill("ethc123-04")
    page.get_by_role("button", name="Demander un nouveau mot de passe").click()
    reset = mailbox.wait_for("claude.ethier@example.org", template="password_reset", after=mark)
    for message in (welcome, reset):
        links = _platform_links(message, platform)
        assert links and not [link for link in links if "/aqpm" in link], (message, links)
        assert "361-4528" in message.text  # ASSTSAS's support line
        page.goto(links[0])
        expect(page.locator("#f-login")).to_be_visible()   # the ASSTSAS login: a username, not an email
