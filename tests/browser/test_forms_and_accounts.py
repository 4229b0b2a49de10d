"""Bad input shows field errors beside the fields, in French; a new trainer's temporary password must
be changed at first login; the help page carries the support contact (C12)."""
from __future__ import annotations

import email
import random
import re
import time
from datetime import date, timedelta
from email import policy

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import no_english_half, shot, unique
from tests.browser.pages import login_trainer

pytestmark = pytest.mark.browser


def field_error(page, field_id: str):
    return page.locator(f".field:has(#{field_id}) .field-error")


def test_bad_input_shows_field_errors_in_french(new_page, platform):
    page = new_page()
    page.goto("/")
    page.locator("#f-login").fill("ethc123")
    page.locator("#f-password").fill("pas-le-bon-mot-de-passe")
    page.get_by_role("button", name="Connexion").click()
    expect(page.locator(".flash.error")).to_have_text("Nom d'utilisateur ou mot de passe incorrect.")

    login_trainer(page, platform.password)
    page.get_by_role("link", name="Ajouter").click()
    page.locator("#f-organization_type").select_option(index=1)
    page.locator("#f-organization_name").fill("Hôpital de test")
    page.locator("#f-activity_code").select_option(index=1)
    page.locator("#f-end_date").fill((date.today() + timedelta(days=10)).isoformat())   # after today
    page.locator("#f-delivery-postal_code").fill("12345")
    page.locator("#f-delivery-email").fill("pas-un-courriel")
    page.get_by_role("button", name="Ajouter les participants").click()

    expect(field_error(page, "f-location")).to_have_text("Champ obligatoire.")
    expect(field_error(page, "f-delivery-email")).to_have_text("Courriel invalide.")
    expect(page.locator("#f-location")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-organization_name")).to_have_value("Hôpital de test")     # what was typed stays
    errors = " ".join(page.locator(".field-error").all_inner_texts())
    assert no_english_half(errors) and "Required" not in errors and "Not a valid" not in errors

    # Everything present, but a date after today and a postal code that is not Canadian.
    page.locator("#f-location").fill("Québec")
    page.locator("#f-delivery-address").fill("1, rue Principale")
    page.locator("#f-delivery-city").fill("Québec")
    page.locator("#f-delivery-attention").fill("Réception")
    page.locator("#f-delivery-email").fill("reception@exemple.ca")
    page.get_by_role("button", name="Ajouter les participants").click()
    expect(field_error(page, "f-end_date")).to_be_visible()
    expect(field_error(page, "f-delivery-postal_code")).to_be_visible()
    expect(field_error(page, "f-location")).to_have_count(0)
    errors = " ".join(page.locator(".field-error").all_inner_texts())
    assert no_english_half(errors) and re.search(r"[éèà]", errors), errors
    shot(page, "cards-session-form-errors")

    # The same form in English shows the English half.
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="New request")).to_be_visible()
    page.get_by_role("button", name="Add the participants").click()
    expect(field_error(page, "f-location")).to_have_text("Required field.")

    aqpm = new_page(width=390, height=844)
    aqpm.goto("/aqpm/")
    form = aqpm.locator("form[action='/aqpm/register']")
    form.locator("#f-first_name").fill("Zoé")
    form.locator("#f-last_name").fill("Essai")
    form.locator("#f-email").fill("zoe@exemple.ca")
    form.locator("#f-email_confirmation").fill("zoe@autre.ca")
    form.locator("#f-password").fill("court")
    form.locator("#f-password_confirmation").fill("court")
    form.get_by_role("button", name="Inscription").click()
    expect(field_error(aqpm, "f-email_confirmation")).to_be_visible()
    expect(field_error(aqpm, "f-password")).to_be_visible()
    assert no_english_half(" ".join(aqpm.locator(".field-error").all_inner_texts()))
    shot(aqpm, "aqpm-register-errors-phone")


def _temporary_password(platform, address: str, timeout: float = 30) -> str:
    outbox = platform.data_dir / ("mail-outbox" if platform.kind == "embedded" else "mail-outbox")
    candidates = [outbox, platform.data_dir / "data" / "mail-outbox"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for folder in candidates:
            for path in sorted(folder.glob("*.eml")) if folder.exists() else []:
                message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
                if address not in str(message["To"]):
                    continue
                text = message.get_body(preferencelist=("plain",)).get_content()
                found = re.search(r"(?:Mot de passe temporaire|Temporary password)\s*:\s*(\S+)", text)
                if found:
                    return found.group(1)
        time.sleep(0.5)
    raise AssertionError(f"no account email for {address}")


def test_new_trainer_must_change_the_temporary_password(new_page, platform):
    if platform.data_dir is None:
        pytest.skip("needs the platform's mail outbox")
    digits = f"{random.randint(100, 999)}"
    address = f"{unique('nouveau')}@exemple.ca"
    staff = new_page()
    staff.goto("/")
    staff.locator("#f-login").fill("staff@asstsas.demo")
    staff.locator("#f-password").fill(platform.password)
    staff.get_by_role("button", name="Connexion").click()
    staff.get_by_role("link", name="Formateurs").click()
    staff.locator("#f-card_number").fill(f"bouj{digits}-01")
    staff.locator("#f-first_name").fill("Julie")
    staff.locator("#f-last_name").fill("Bouchard")
    staff.locator("#f-email").fill(address)
    staff.get_by_role("button", name="Créer le compte").click()
    expect(staff.locator(".flash.success")).to_contain_text(f"bouj{digits}")
    shot(staff, "staff-trainers")

    temporary = _temporary_password(platform, address)
    trainer = new_page()
    trainer.goto("/")
    trainer.locator("#f-login").fill(f"bouj{digits}")
    trainer.locator("#f-password").fill(temporary)
    trainer.get_by_role("button", name="Connexion").click()
    expect(trainer.locator(".flash.info")).to_contain_text("mot de passe temporaire")
    trainer.goto("/sessions")                                           # nothing else before the change
    expect(trainer).to_have_url(re.compile(r"/password/change"))
    trainer.locator("#f-old_password").fill(temporary)
    trainer.locator("#f-new_password").fill("Nouveau-mot-de-passe-2026")
    trainer.locator("#f-new_password_confirmation").fill("Nouveau-mot-de-passe-2026")
    trainer.get_by_role("button", name="Sauvegarder le nouveau mot de passe").click()
    expect(trainer.get_by_role("heading", name="Sessions")).to_be_visible()

    trainer.get_by_role("link", name="Aide en ligne").click()
    expect(trainer.locator("#support")).to_contain_text("1 800 361-4528")
    expect(trainer.locator("#support")).to_contain_text("support@asstsas.qc.ca")
    shot(trainer, "cards-help")
