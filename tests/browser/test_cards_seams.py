"""The trainer portal's seams, page -> API and back, in a real browser on the real stack:

- an emptied trainer email is refused beside the field, never replaced by the profile's;
- a CSV import with a bad line says which line, which column and why, in the page's language;
  titles show as labels;
- a paid and shipped request is shown read-only and links to its attestations' PDFs.

The payment and invoice forms' seams are in test_cards_payment_seams.py.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import no_english_half, shot, unique
from tests.browser.pages import TRAINER, login_trainer, new_session
from tests.browser.trainer_scenes import (
    THREE_PARTICIPANTS,
    Api,
    field_error,
    fill_card,
    fill_session_without_trainer_email,
    import_csv,
    session_id_of,
    wait_for_status,
)

pytestmark = pytest.mark.browser


def test_an_emptied_trainer_email_is_refused_not_replaced(new_page, platform):
    page = new_page()
    login_trainer(page, platform.password)
    api = Api(platform, TRAINER)
    before = api.get("/api/cards/sessions", limit=1)["total"]
    page.get_by_role("link", name="Ajouter").click()
    fill_session_without_trainer_email(page)
    page.get_by_role("button", name="Ajouter les participants").click()
    expect(field_error(page, "f-trainer_email")).to_have_text("Champ obligatoire.")
    expect(page.locator("#f-trainer_email")).to_have_value("")
    expect(page.locator(".flash.error")).to_have_count(1)
    assert api.get("/api/cards/sessions", limit=1)["total"] == before           # nothing created

    page.get_by_role("link", name="English").click()
    expect(page.locator("#f-trainer_email")).not_to_have_value("")           # a fresh form: the profile's
    fill_session_without_trainer_email(page)
    page.get_by_role("button", name="Add the participants").click()
    expect(field_error(page, "f-trainer_email")).to_have_text("Required field.")
    assert api.get("/api/cards/sessions", limit=1)["total"] == before


def test_a_csv_line_in_error_is_named_with_its_column_and_titles_show_as_labels(new_page, platform):
    page = new_page()
    login_trainer(page, platform.password)
    new_session(page, unique("Import "))
    expect(page.locator("[data-csv-header]")).to_have_text("Titre;Prénom;Nom;Date de naissance;Téléphone;Poste")
    bad = THREE_PARTICIPANTS.replace("1975-06-20", "1975-20-45")               # line 3: no such date
    import_csv(page, bad)
    result = page.locator("[data-import-result]")
    expect(result.locator("li[data-line='3']")).to_have_text(re.compile(r"^Ligne 3, Date de naissance : Date invalide"))
    expect(result).to_contain_text("aucun participant n'a été ajouté")
    expect(page.locator("table tbody tr")).to_have_count(0)                     # all or nothing
    shot(page, "cards-import-line-error")

    page.get_by_role("link", name="English").click()
    expect(page.locator("[data-csv-header]")).to_have_text("Title;First name;Last name;Date of birth;Phone;Ext")
    import_csv(page, bad)
    expect(page.locator("[data-import-result] li[data-line='3']")).to_have_text(
        re.compile(r"^Line 3, Date of birth: [^:]*\bdate \(YYYY-MM-DD\)\.$"))   # the cards API's English
    assert no_english_half(page.locator("main").inner_text())

    import_csv(page, THREE_PARTICIPANTS)
    expect(page.locator("table tbody tr")).to_have_count(3)
    expect(page.locator("td[data-title='mme']").first).to_have_text("Ms.")
    expect(page.locator("td[data-title='m']")).to_have_text("Mr.")
    page.get_by_role("link", name="Français").click()
    expect(page.locator("td[data-title='mme']").first).to_have_text("Mme")
    expect(page.locator("td[data-title='m']")).to_have_text("M.")

    page.goto("/help")
    expect(page.locator("[data-csv-header]")).to_have_text("Titre;Prénom;Nom;Date de naissance;Téléphone;Poste")


def test_a_shipped_request_is_read_only_and_prints_its_attestations(new_page, platform):
    page = new_page()
    login_trainer(page, platform.password)
    new_session(page, unique("Expédiée "))
    session_id = session_id_of(page)
    import_csv(page, THREE_PARTICIPANTS)
    page.get_by_role("link", name=re.compile("^Paiement")).first.click()
    fill_card(page, "4242 4242 4242 4242")
    page.get_by_role("button", name="Soumettre").click()
    expect(page.locator(".flash.success")).to_contain_text("Paiement accepté")
    trainer = Api(platform, TRAINER)
    wait_for_status(trainer, session_id, "paid")
    staff = Api(platform, "staff@asstsas.demo")
    assert staff.post(f"/api/cards/sessions/{session_id}/ship", {}).status_code == 200

    page.goto(f"/sessions/{session_id}")
    sheet = page.locator("[data-readonly]")
    expect(sheet).to_contain_text("Montréal")
    expect(page.locator("main input:not([type=hidden]), main select")).to_have_count(0)   # nothing looks typeable
    link = page.locator("[data-attestations-pdf]")
    expect(link).to_be_visible()
    pdf = page.request.get(link.get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"].startswith("application/pdf")
    assert pdf.body().startswith(b"%PDF")

    page.get_by_role("link", name=re.compile("^Liste des participants")).click()
    one = page.locator("table tbody a[href$='/pdf']").first
    expect(one).to_be_visible()
    pdf = page.request.get(one.get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    page.locator("table tbody tr").first.locator("a").first.click()
    expect(page.locator("[data-readonly]")).to_contain_text("Côté")
    expect(page.locator("main input:not([type=hidden]), main select")).to_have_count(0)

    page.get_by_role("link", name="English").click()
    page.goto(f"/sessions/{session_id}")
    expect(page.locator(".status-line")).to_contain_text("Status:")
    expect(page.locator("[data-attestations-pdf]")).to_have_text("Print the attestations (PDF)")
