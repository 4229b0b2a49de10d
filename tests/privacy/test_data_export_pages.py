"""The data export in the web app, through the gateway of the real-process platform: the profile's button on
each portal, in the person's language, its confirmation (and the refusal of a second request), the page the
emailed link opens, which hands over the ZIP once, then says the link was used; ASSTSAS staff's export action
on each trainee of the participant search."""
from __future__ import annotations

import re

import pytest
import requests

from tests.e2e.conftest import DEMO_PASSWORD, eventually
from tests.privacy.people import create_account, export_email, export_link, give_cards_data, signed_in, zip_texts

pytestmark = pytest.mark.e2e


def _csrf(page: requests.Response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def _signed_in(platform, login_path: str, field: str, login: str) -> requests.Session:
    browser = requests.Session()
    entry = browser.get(platform.base_url + login_path, timeout=15)
    answer = browser.post(platform.base_url + login_path, timeout=15,
                          data={"csrf_token": _csrf(entry), field: login, "password": DEMO_PASSWORD})
    assert answer.status_code == 200 and "logout" in answer.text, answer.text[:500]
    return browser


@pytest.mark.parametrize("portal, role, card_number, language, words", [
    ("/aqpm", "member", None, "fr", ("Exporter mes données", "Votre demande est reçue", "déjà demandé vos données",
                                     "Télécharger le fichier ZIP", "Ce lien a déjà servi")),
    ("", "trainer", "ferh333-03", "en", ("Export my data", "Your request is received", "already asked for your data",
                                         "Download the ZIP file", "This link has already been used")),
])
def test_the_profile_asks_and_the_emailed_link_hands_over_the_zip_once(platform, portal, role, card_number, language,
                                                                        words):
    email = create_account(platform, "Hortense", "Ferland", role, card_number, language)
    login_path = "/aqpm/login" if portal else "/"
    browser = _signed_in(platform, login_path, "email" if portal else "login", email if portal else "ferh333")
    profile = browser.get(f"{platform.base_url}{portal}/profile", timeout=15)
    assert words[0] in profile.text and f'action="{portal}/profile/data-export"' in profile.text

    asked = browser.post(f"{platform.base_url}{portal}/profile/data-export", data={"csrf_token": _csrf(profile)},
                         timeout=15)
    assert asked.url.endswith(f"{portal}/profile") and words[1] in asked.text
    again = browser.post(f"{platform.base_url}{portal}/profile/data-export", data={"csrf_token": _csrf(asked)},
                         timeout=15)
    assert words[2] in again.text

    link = export_link(eventually(lambda: export_email(platform, email), timeout=60))
    assert link.startswith(f"{platform.base_url}{portal}/account/data-export/")
    page = browser.get(link, timeout=15)
    assert page.status_code == 200 and words[3] in page.text
    download = browser.post(link, data={"csrf_token": _csrf(page)}, timeout=15)
    assert download.headers["Content-Type"] == "application/zip"
    assert email in zip_texts(download.content)["auth/account.json"]
    used = browser.post(link, data={"csrf_token": _csrf(page)}, timeout=15)
    assert used.status_code == 410 and words[4] in used.text
    assert requests.get(link, timeout=15, allow_redirects=False).status_code == 302  # logged out: to the login


def test_asstsas_staff_export_a_trainee_from_the_participant_search(platform):
    email = create_account(platform, "Irène", "Dufresne", "trainer", "dufi444-04")
    give_cards_data(signed_in(platform, "dufi444", email, "Irène", "Dufresne"),
                    [("Léa", "Villeneuve-Hardy"), ("Paul", "Villeneuve-Hardy"), ("Luc", "Villeneuve-Hardy")],
                    "1979-06-30")
    browser = _signed_in(platform, "/", "login", "staff@asstsas.demo")
    search = browser.get(f"{platform.base_url}/staff/participants", params={"last_name": "Villeneuve-Hardy"},
                         timeout=15)
    actions = re.findall(r'action="(/staff/participants/[^"]+/data-export)"', search.text)
    assert len(actions) == 3 and "Exporter les données" in search.text
    asked = browser.post(platform.base_url + actions[0], timeout=15, data={
        "csrf_token": _csrf(search), "last_name": "Villeneuve-Hardy", "birth_date": ""})
    assert "exportation est demandée" in asked.text and "Villeneuve-Hardy" in asked.text  # back on the search
    link = export_link(eventually(lambda: export_email(platform, "staff@asstsas.demo"), timeout=60))
    page = browser.get(link, timeout=15)
    files = zip_texts(browser.post(link, data={"csrf_token": _csrf(page)}, timeout=15).content)
    assert "1979-06-30" in files["cards/participations.csv"] and "Dufresne" not in "".join(files.values())
