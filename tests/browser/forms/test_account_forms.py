"""The account forms of both portals sent empty and with wrong values: login, registration, forgotten
password, password change, profile. Field errors beside their fields, in the page's language; no session
opened, no account made, no password or email changed."""
from __future__ import annotations

import pytest

from tests.browser.conftest import unique
from tests.browser.forms import api
from tests.browser.forms.check import Case, run, run_both, set_language, sign_in

pytestmark = pytest.mark.browser

LONG = "x" * 301
PASSWORD = "Formulaire-2026-secret"


def signed_in(page) -> bool:
    return page.locator("form[action$='/logout']").count() > 0


@pytest.mark.parametrize("language", ["fr", "en"])
def test_login_forms_of_both_portals(new_page, platform, language):
    page = new_page()
    set_language(page, language)
    wrong = {"fr": "incorrect", "en": "Wrong"}[language]
    cards = [Case("empty", {"login": "", "password": ""}, ("login", "password")),
             Case("wrong password", {"login": "ethc123", "password": "pas-le-bon"}, top=wrong),
             Case("too long", {"login": LONG, "password": LONG}, ("login", "password"))]
    aqpm = [Case("empty", {"email": "", "password": ""}, ("email", "password")),
            Case("wrong password", {"email": "membre@aqpm.demo", "password": "pas-le-bon"}, top=wrong),
            Case("not an email", {"email": "pas-un-courriel", "password": "pas-le-bon"}, top=wrong)]
    found = run(page, "/", "main form:has([name=password])", cards, language, lambda: signed_in(page))
    found += run(page, "/aqpm/", "form[action^='/aqpm/login']", aqpm, language, lambda: signed_in(page))
    assert not found, "\n".join(found)


def test_aqpm_registration(new_page, platform):
    page = new_page()
    staff = api.Person(platform.base_url, "staff@aqpm.demo", platform.password)
    last = unique("Refusé")
    email = f"{last.lower()}@exemple.ca"
    good = {"first_name": "Zoé", "last_name": last, "email": email, "email_confirmation": email,
            "password": PASSWORD, "password_confirmation": PASSWORD}
    cases = [Case("empty", {k: "" for k in good}, ("first_name", "last_name", "email", "password")),
             Case("confirmations left empty", {**good, "email_confirmation": "", "password_confirmation": ""},
                  ("email_confirmation", "password_confirmation")),
             Case("bad email", {**good, "email": "pas-un-courriel", "email_confirmation": "pas-un-courriel"},
                  ("email",)),
             Case("email confirmation differs", {**good, "email_confirmation": "autre@exemple.ca"},
                  ("email_confirmation",)),
             Case("password too short", {**good, "password": "court", "password_confirmation": "court"},
                  ("password",)),
             Case("too long", {**good, "first_name": LONG}, ("first_name",))]
    found = run_both(page, "/aqpm/", "form[action='/aqpm/register']", cases,
                     lambda: staff.get(f"/api/auth/users?q={last}")["items"], english=2)
    assert not found, "\n".join(found)


def test_forgotten_password_forms(new_page):
    page = new_page()
    found = []
    for language in ("fr", "en"):
        set_language(page, language)
        found += run(page, "/password/forgot", "main form:has([name=card_number])",
                     [Case("empty", {"card_number": ""}, ("card_number",))], language, lambda: None)
        found += run(page, "/aqpm/password/forgot", "main form:has([name=email])",
                     [Case("empty", {"email": ""}, ("email",)),
                      Case("not an email", {"email": "pas-un-courriel"}, ("email",))], language, lambda: None)
    assert not found, "\n".join(found)


def test_password_change_and_profile(new_page, platform):
    """On a member of its own (a refused change that went through would lock the demo accounts out)."""
    tag = unique("")
    person = api.register_member(platform.base_url, "Paul", f"Profil{tag}", f"profil.{tag}@exemple.ca", PASSWORD)
    page = new_page()
    sign_in(page, person.login, PASSWORD, aqpm=True)

    def snapshot():
        return person.get("/api/auth/me")["email"]

    passwords = [
        Case("empty", {"old_password": "", "new_password": "", "new_password_confirmation": ""},
             ("old_password", "new_password")),
        Case("wrong current password", {"old_password": "pas-le-bon", "new_password": "Nouveau-2026-secret",
                                        "new_password_confirmation": "Nouveau-2026-secret"}, ("old_password",)),
        Case("too short", {"old_password": PASSWORD, "new_password": "court", "new_password_confirmation": "court"},
             ("new_password",)),
        Case("confirmation differs", {"old_password": PASSWORD, "new_password": "Nouveau-2026-secret",
                                      "new_password_confirmation": "Autre-2026-secret"},
             ("new_password_confirmation",)),
    ]
    emails = [Case("emptied", {"email": ""}, ("email",)),
              Case("not an email", {"email": "pas-un-courriel"}, ("email",)),
              Case("too long", {"email": LONG + "@exemple.ca"}, ("email",))]
    found = run_both(page, "/password/change", "main form:has([name=new_password])", passwords, snapshot)
    found += run(page, "/aqpm/profile", "main form:has([name=new_password])", passwords[:2], "fr", snapshot)
    found += run_both(page, "/aqpm/profile", "main form:has([name=email])", emails, snapshot)
    assert not found, "\n".join(found)
    assert api.Person(platform.base_url, person.login, PASSWORD).me["email"] == person.login   # password unchanged


def test_trainer_profile_email(new_page, platform):
    page = new_page()
    sign_in(page, "ethc123", platform.password)
    trainer = api.Person(platform.base_url, "ethc123", platform.password)
    found = run(page, "/profile", "main form:has([name=email])",
                [Case("emptied", {"email": ""}, ("email",)),
                 Case("not an email", {"email": "pas-un-courriel"}, ("email",))], "fr",
                lambda: trainer.get("/api/auth/me")["email"])
    assert not found, "\n".join(found)
