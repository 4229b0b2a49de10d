"""What other people did before the person of an AQPM or staff test arrives, set through the API
(an invoiced or paid request, a registered member), and the DOM check every page must pass."""
from __future__ import annotations

import time
import uuid
from datetime import date, timedelta

import requests
from playwright.sync_api import Page, expect

MEMBER_PASSWORD = "Plateau-2026-secret"


# API steps that set the scene (what other people did before the person of the test arrives) ---------

class Api:
    """Calls through the gateway with a bearer token, like any client of the platform."""

    def __init__(self, platform, login: str, password: str):
        self.base_url = platform.base_url
        response = requests.post(f"{self.base_url}/api/auth/login", json={"login": login, "password": password},
                                 timeout=15)
        assert response.status_code == 200, response.text
        self.token = response.json()["access_token"]

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return requests.request(method, self.base_url + path, headers=headers, timeout=15, **kwargs)


def eventually(check, timeout: float = 45.0):
    """The bus is asynchronous: ask again until the answer is there."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.4)
    raise AssertionError("never happened")


def invoiced_session(platform, last_name: str) -> dict:
    """The demo trainer's request for 3 participants (6,00 $), submitted by cheque and invoiced."""
    trainer = Api(platform, "ethc123", platform.password)
    reference = trainer.call("GET", "/api/cards/reference").json()
    body = {"organization_type": reference["organization_types"][0]["code"],
            "organization_name": f"CISSS {last_name}", "location": "Longueuil",
            "activity_code": reference["activities"][0]["code"],
            "end_date": (date.today() - timedelta(days=3)).isoformat(),
            "delivery": {"address": "1000, rue Sherbrooke Ouest", "city": "Montréal", "postal_code": "H2X 1Y4",
                         "attention": "Service SST", "email": "sst.seams@example.org"}}
    if reference["organization_types"][0].get("requires_institution"):
        body["institution_id"] = reference["institutions"][0]["id"]
        body.pop("organization_name")
    created = eventually(lambda: (lambda r: r if r.status_code == 201 else None)(
        trainer.call("POST", "/api/cards/sessions", json=body)))
    session = created.json()
    for first, title in (("Josée", "mme"), ("Marc", "m"), ("Line", "mme")):
        added = trainer.call("POST", f"/api/cards/sessions/{session['id']}/participants", json={
            "title": title, "first_name": first, "last_name": last_name, "birth_date": "1985-04-12",
            "phone": "514 555-0199", "phone_ext": ""})
        assert added.status_code == 201, added.text
    submitted = trainer.call("POST", f"/api/cards/sessions/{session['id']}/submit",
                             json={"payment_method": "cheque", "billed_to": "organization"})
    assert submitted.status_code == 202, submitted.text
    invoice = eventually(lambda: next((i for i in trainer.call("GET", "/api/billing/invoices", params={"limit": 100})
                                       .json()["items"] if i["session_id"] == session["id"]), None))
    return {"id": session["id"], "invoice": invoice, "trainer": trainer}


def cards_staff_api(platform) -> Api:
    return Api(platform, "staff@asstsas.demo", platform.password)


def paid_session(platform, last_name: str) -> dict:
    """An invoiced request whose cheque staff recorded through the API, then paid and its cards issued."""
    scene = invoiced_session(platform, last_name)
    staff = cards_staff_api(platform)
    paid = staff.call("POST", f"/api/billing/invoices/{scene['invoice']['id']}/payments",
                      json={"method": "cheque", "amount": "6.00", "reference": f"CHQ-{last_name}"},
                      headers={"Idempotency-Key": uuid.uuid4().hex})
    assert paid.status_code == 201, paid.text
    eventually(lambda: staff.call("GET", f"/api/cards/sessions/{scene['id']}").json()["status"] == "paid")
    eventually(lambda: all(p["attestations"] for p in staff.call(
        "GET", "/api/cards/participants", params={"last_name": last_name}).json()["items"]))
    return {**scene, "staff": staff}


def login_cards_staff(page: Page, password: str) -> None:
    page.goto("/")
    page.locator("#f-login").fill("staff@asstsas.demo")
    page.locator("#f-password").fill(password)
    page.get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("link", name="Paiements")).to_be_visible()


def to_english(page: Page) -> None:
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def register_member(platform, last_name: str) -> tuple[str, str]:
    email = f"{last_name.lower()}@exemple.ca"
    response = requests.post(f"{platform.base_url}/api/auth/register", timeout=15, json={
        "first_name": "Nora", "last_name": last_name, "email": email, "email_confirmation": email,
        "password": MEMBER_PASSWORD, "password_confirmation": MEMBER_PASSWORD})
    assert response.status_code == 201, response.text
    return email, response.json()["id"]


# What the DOM must hold on every page: unique ids, labels tied to their own fields ------------------

PAGE_CHECK = """() => {
  const seen = new Set(), duplicates = [];
  document.querySelectorAll('[id]').forEach(el => { if (seen.has(el.id)) duplicates.push(el.id); seen.add(el.id); });
  const strays = [];
  document.querySelectorAll('label[for]').forEach(label => {
    const field = document.getElementById(label.htmlFor);
    const form = label.closest('form');
    if (!field || (form && field.closest('form') !== form)) strays.push(label.htmlFor);
  });
  const unlabelled = [];
  document.querySelectorAll('input:not([type=hidden]), select, textarea').forEach(field => {
    const labelled = (field.labels && field.labels.length) || field.getAttribute('aria-label');
    if (!labelled) unlabelled.push(field.name || field.id);
  });
  return {duplicates, strays, unlabelled};
}"""


def assert_ids_and_labels(page: Page) -> None:
    found = page.evaluate(PAGE_CHECK)
    assert found == {"duplicates": [], "strays": [], "unlabelled": []}, (page.url, found)
