"""A member exports their data in a real browser through the real stack (issue 23, item 1), in French and in
English: the profile's button, its confirmation, the emailed link's page, whose button downloads the ZIP once,
and the same link a second time says it was used."""
from __future__ import annotations

import io
import uuid
import zipfile

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.pages import fill_aqpm_login

PASSWORD = "Lune-Trombone-Vert-2026"
WORDS = {"fr": ("Exporter mes données", "Votre demande est reçue", "Télécharger le fichier ZIP",
                "Ce lien a déjà servi"),
         "en": ("Export my data", "Your request is received", "Download the ZIP file",
                "This link has already been used")}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_member_exports_their_data_from_the_profile(new_page, platform, mailbox, language):
    button, asked, download, used = WORDS[language]
    address = f"export.{uuid.uuid4().hex[:10]}@exemple.ca"
    registered = requests.post(platform.url("/api/auth/register"), timeout=10, json={
        "first_name": "Rosalie", "last_name": "Gagnon", "email": address, "email_confirmation": address,
        "password": PASSWORD, "password_confirmation": PASSWORD, "language": language})
    assert registered.status_code == 201, registered.text
    page = new_page(locale="fr-CA" if language == "fr" else "en-CA")
    page.goto("/aqpm/")
    fill_aqpm_login(page, address, PASSWORD, english=language == "en")
    page.goto("/aqpm/profile")
    mark = mailbox.mark()
    page.get_by_role("button", name=button).click()
    expect(page.locator(".flash.success")).to_contain_text(asked)

    message = mailbox.wait_for(address, template="data_export_ready", after=mark)
    [link] = [link for link in message.links if link.startswith(platform.base_url + "/aqpm/account/data-export/")]
    page.goto(link)
    with page.expect_download() as started:
        page.get_by_role("button", name=download).click()
    saved = started.value
    assert saved.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(open(saved.path(), "rb").read())) as archive:
        assert address in archive.read("auth/account.json").decode()
    page.goto(link)
    page.get_by_role("button", name=download).click()
    expect(page.locator("[data-export-state=used]")).to_contain_text(used)
