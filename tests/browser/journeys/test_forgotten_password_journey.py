"""« J'ai oublié mon mot de passe » in both portals, as the guides tell it, following the email's link.

ASSTSAS (guide, "Si vous avez oublié votre mot de passe"): the card number, « Demander un nouveau mot de
passe », « Retourner à l'écran de connexion », the email's temporary password, then the change. Also the
case of issue 16, defect 6: log in once with the temporary password, leave without changing it, log in
with the real one: no change is asked any more, and no page says the password is temporary.
AQPM: « Mot de passe oublié ? », the email's link must lead to the AQPM portal (defect 7).
"""
from __future__ import annotations

import random
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import unique
from tests.browser.journeys.conftest import Api, Lang, choose_language
from tests.browser.journeys.links import AQPM, CARDS
from tests.browser.pages import fill_aqpm_login

pytestmark = pytest.mark.browser
TEMPORARY = re.compile(r"(?:Mot de passe temporaire|Temporary password)\s*:\s*(\S+)")


def temporary_password(message) -> str:
    found = TEMPORARY.search(message.text)
    assert found, f"no temporary password in {message}:\n{message.text}"
    return found.group(1)


def platform_link(message, base_url: str) -> str:
    """The link of the email that leads to the platform (the one a person clicks to log in)."""
    links = [url for url in message.links if url.startswith(base_url)]
    assert links, f"{message} has no link to the platform ({base_url}): {message.links}"
    return links[0]


def trainer_log_in(page: Page, login: str, password: str) -> None:
    page.get_by_label("Nom d'utilisateur").fill(login)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Connexion").click()


def ask_for_a_new_trainer_password(page: Page, card_number: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="J'ai oublié mon mot de passe").click()
    page.get_by_label(re.compile("Numéro de carte")).fill(card_number)
    page.get_by_role("button", name="Demander un nouveau mot de passe").click()
    expect(page.get_by_role("heading", name="Demande reçue")).to_be_visible()
    page.get_by_role("link", name="Retourner à l'écran de connexion").click()
    expect(page.get_by_role("heading", name="Accès à vos informations")).to_be_visible()


def test_trainer_forgets_the_password_and_follows_the_email(new_page, platform, mailbox, ledger):
    # Before: staff created the account, and the trainer chose a real password at the first login.
    tag = unique("")
    card_number = f"oubr{random.randint(100, 999)}-0{random.randint(1, 9)}"
    login, address, real = card_number[:7], f"rene.oublie.{tag}@exemple.ca", "Vrai-mot-de-passe-2026"
    staff = Api(platform.base_url, "staff@asstsas.demo", platform.password)
    mark = mailbox.mark()
    staff.call("POST", "/api/auth/trainers", 201, json={"card_number": card_number, "first_name": "René",
                                                          "last_name": "Oublié", "email": address})
    first = temporary_password(mailbox.wait_for(address, template="trainer_account_created", after=mark))
    trainer_api = Api(platform.base_url, login, first)
    trainer_api.call("POST", "/api/auth/me/password", 204, json={
        "old_password": first, "new_password": real, "new_password_confirmation": real})
    ledger.reader(address, login, real, CARDS)

    page = new_page()
    mark = mailbox.mark()
    ask_for_a_new_trainer_password(page, card_number)
    reset = mailbox.wait_for(address, template="password_reset", after=mark)
    temporary = temporary_password(reset)
    # The email's link, followed: the ASSTSAS login page.
    page.goto(platform_link(reset, platform.base_url))
    expect(page.get_by_role("heading", name="Accès à vos informations")).to_be_visible()
    trainer_log_in(page, login, temporary)
    expect(page.get_by_role("heading", name=re.compile("Changement du mot de passe"))).to_be_visible()
    expect(page.locator("main")).to_contain_text("temporaire")

    # Leave without changing it, come back with the real password (issue 16, defect 6).
    page.get_by_role("button", name="Déconnexion").click()
    trainer_log_in(page, login, real)
    expect(page.get_by_role("heading", name="Sessions")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("temporaire")
    page.get_by_role("link", name="Profil").click()
    expect(page.get_by_role("heading", name="Profil")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("temporaire")
    page.get_by_role("button", name="Déconnexion").click()

    # Forgotten again, and this time changed as the email says.
    mark = mailbox.mark()
    ask_for_a_new_trainer_password(page, card_number)
    reset = mailbox.wait_for(address, template="password_reset", after=mark)
    temporary = temporary_password(reset)
    page.goto(platform_link(reset, platform.base_url))
    trainer_log_in(page, login, temporary)
    new = "Encore-un-nouveau-2026"
    page.get_by_label("Ancien mot de passe").fill(temporary)
    page.get_by_label("Nouveau mot de passe").fill(new)
    page.get_by_label("Confirmation").fill(new)
    page.get_by_role("button", name="Sauvegarder le nouveau mot de passe").click()
    expect(page.get_by_role("heading", name="Sessions")).to_be_visible()
    ledger.reader(address, login, new, CARDS)
    page.get_by_role("button", name="Déconnexion").click()
    trainer_log_in(page, login, new)
    expect(page.get_by_role("heading", name="Sessions")).to_be_visible()


def test_member_forgets_the_password_and_the_email_leads_back_to_the_aqpm_portal(new_page, platform, mailbox,
                                                                                   ledger):
    t = Lang("fr")
    tag = unique("")
    address, password = f"oublieuse.{tag}@exemple.ca", "Membre-oublieuse-2026"
    page = new_page()
    choose_language(page, t, "/aqpm/")
    form = page.locator("form[action='/aqpm/register']")
    form.get_by_label("Prénom").fill("Odile")
    form.get_by_label("Nom", exact=True).fill(f"Oublieuse{tag}")
    form.get_by_label("Courriel", exact=True).fill(address)
    form.get_by_label("Confirmation du courriel").fill(address)
    form.get_by_label(re.compile("^Mot de passe")).fill(password)
    form.get_by_label("Confirmation du mot de passe").fill(password)
    form.get_by_role("button", name="Inscription").click()
    expect(page.get_by_role("heading", name="Fiches de production")).to_be_visible()
    ledger.reader(address, address, password, AQPM)
    page.get_by_role("button", name="Déconnexion").click()

    mark = mailbox.mark()
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    page.get_by_label("Courriel").fill(address)
    page.get_by_role("button", name="Demander un nouveau mot de passe").click()
    expect(page.get_by_role("heading", name="Demande reçue")).to_be_visible()
    page.get_by_role("link", name="Retourner à l'écran de connexion").click()
    expect(page.locator("form[action^='/aqpm/login']")).to_be_visible()

    reset = mailbox.wait_for(address, template="password_reset", after=mark)
    assert "asstsas" not in (reset.text + reset.html).lower(), reset.text     # defect 7: its own portal
    temporary = temporary_password(reset)
    page.goto(platform_link(reset, platform.base_url))
    expect(page.locator("form[action^='/aqpm/login']")).to_be_visible()      # the AQPM login, not ASSTSAS's
    fill_aqpm_login(page, address, temporary)
    expect(page.get_by_role("heading", name=re.compile("Changement du mot de passe"))).to_be_visible()
    new = "Membre-nouveau-2026"
    page.get_by_label("Ancien mot de passe").fill(temporary)
    page.get_by_label("Nouveau mot de passe").fill(new)
    page.get_by_label("Confirmation").fill(new)
    page.get_by_role("button", name="Sauvegarder le nouveau mot de passe").click()
    expect(page.get_by_role("heading", name="Fiches de production")).to_be_visible()
    ledger.reader(address, address, new, AQPM)
