"""The trainer portal's test steps: the platform's API as one person (to check what was, or was not,
written), the CSV of three participants, and the form steps several tests take."""
from __future__ import annotations

import re
import time

import requests

from tests.browser.conftest import unique

THREE_PARTICIPANTS = ("Titre;Prénom;Nom;Date de naissance;Téléphone;Poste\n"
                      "Mme;Diane;Côté;1980-01-15;514 555-0101;\n"
                      "M.;Éric;Lavoie;1975-06-20;514 555-0102;3\n"
                      "Mme;Fanny;Morin;1990-09-09;514 555-0103;\n")


class Api:
    """The platform's API as one person, to check what was (not) written."""

    def __init__(self, platform, login: str):
        self.base = platform.base_url
        answer = requests.post(self.base + "/api/auth/login", json={"login": login, "password": platform.password},
                               timeout=10)
        answer.raise_for_status()
        self.headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}

    def get(self, path: str, **params) -> dict:
        answer = requests.get(self.base + path, headers=self.headers, params=params, timeout=10)
        answer.raise_for_status()
        return answer.json()

    def post(self, path: str, body: dict) -> requests.Response:
        return requests.post(self.base + path, headers=self.headers, json=body, timeout=10)


def field_error(page, field_id: str):
    return page.locator(f".field:has(#{field_id}) .field-error")


def session_id_of(page) -> str:
    found = re.search(r"/sessions/([0-9a-f-]{36})", page.url)
    assert found, page.url
    return found.group(1)


def import_csv(page, content: str) -> None:
    page.locator("#f-file").set_input_files(files=[{"name": "participants.csv", "mimeType": "text/csv",
                                                    "buffer": content.encode("utf-8")}])
    page.locator("form[action$='/participants/import'] button[type=submit]").click()


def fill_card(page, number: str, month: str = "12", year: str = "2031", cvc: str = "123") -> None:
    page.locator("#f-payment_method").select_option("credit_card")
    page.locator("#f-card-holder").fill("Claude Ethier")
    page.locator("#f-card-number").fill(number)
    page.locator("#f-card-exp_month").fill(month)
    page.locator("#f-card-exp_year").fill(year)
    page.locator("#f-card-cvc").fill(cvc)
    page.locator("#f-billed_to").select_option("individual")


def assert_nothing_submitted(api: Api, session_id: str) -> None:
    assert api.get(f"/api/cards/sessions/{session_id}")["status"] == "new"
    assert api.get("/api/billing/invoices", session_id=session_id)["total"] == 0


def fill_session_without_trainer_email(page) -> None:
    page.locator("#f-trainer_email").fill("")
    page.locator("#f-organization_type").select_option(index=1)
    page.locator("#f-organization_name").fill(unique("Sans courriel "))
    page.locator("#f-location").fill("Montréal")
    page.locator("#f-activity_code").select_option(index=1)
    page.locator("#f-end_date").fill("2026-01-05")
    page.locator("#f-delivery-address").fill("1, rue Principale")
    page.locator("#f-delivery-city").fill("Montréal")
    page.locator("#f-delivery-postal_code").fill("H3A 3C2")
    page.locator("#f-delivery-attention").fill("Réception")
    page.locator("#f-delivery-email").fill("reception@exemple.ca")


def wait_for_status(api: Api, session_id: str, wanted: str, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if api.get(f"/api/cards/sessions/{session_id}")["status"] == wanted:
            return
        time.sleep(0.5)
    raise AssertionError(f"the request never became {wanted}")
