"""The platform's public API with one person's token: builds the data the pages under test show, and
reads back what the pages wrote (or did not write) — the check behind "nothing is written when a form
is refused"."""
from __future__ import annotations

import time
from datetime import date, timedelta

import requests


class Person:
    """Someone logged in through ``/api/auth/login``; ``get``/``post``/``patch`` return decoded JSON."""

    def __init__(self, base_url: str, login: str, password: str):
        self.base_url = base_url.rstrip("/")
        self.login, self.password = login, password
        self.http = requests.Session()
        self.http.trust_env = False
        tokens = self.call("POST", "/api/auth/login", json={"login": login, "password": password}, auth=False)
        self.http.headers["Authorization"] = f"Bearer {tokens['access_token']}"
        self.me = self.call("GET", "/api/auth/me")

    def call(self, method: str, path: str, expect: tuple = (200, 201, 202, 204), auth: bool = True, **kwargs):
        http = self.http if auth else requests
        response = http.request(method, self.base_url + path, timeout=20, **kwargs)
        assert response.status_code in expect, f"{method} {path} -> {response.status_code} {response.text[:500]}"
        return response.json() if response.content and "json" in response.headers.get("content-type", "") else None

    def get(self, path: str, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path: str, **kwargs):
        return self.call("POST", path, **kwargs)


def eventually(check, timeout: float = 45.0, interval: float = 0.3):
    """What ``check()`` returns once truthy: the platform's events take a moment to travel the bus."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = check()
        except AssertionError:
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"never true within {timeout:.0f} s: {check}")
        time.sleep(interval)


def register_member(base_url: str, first: str, last: str, email: str, password: str) -> Person:
    response = requests.post(base_url + "/api/auth/register", timeout=20, json={
        "first_name": first, "last_name": last, "email": email, "email_confirmation": email,
        "password": password, "password_confirmation": password})
    assert response.status_code == 201, response.text
    return Person(base_url, email, password)


# Portal 1 -----------------------------------------------------------------------------------------

def session_body(reference: dict, organization: str) -> dict:
    types = reference["organization_types"]
    plain = next((t for t in types if not t.get("requires_institution")), types[0])
    body = {"organization_type": plain["code"], "organization_name": organization,
            "location": "Montréal", "activity_code": reference["activities"][0]["code"],
            "end_date": (date.today() - timedelta(days=3)).isoformat(),
            "delivery": {"address": "505, boul. De Maisonneuve Ouest", "city": "Montréal",
                         "postal_code": "H3A 3C2", "attention": "Claude Éthier", "email": "sst@exemple.ca"}}
    if plain.get("requires_institution") and reference.get("institutions"):
        body["institution_id"] = reference["institutions"][0]["id"]
    return body


def new_session(trainer: Person, organization: str, participants: int = 0) -> dict:
    reference = trainer.get("/api/cards/reference")
    created = eventually(lambda: trainer.call("POST", "/api/cards/sessions", expect=(201,),
                                              json=session_body(reference, organization)))
    for n in range(participants):
        trainer.post(f"/api/cards/sessions/{created['id']}/participants", json={
            "title": reference["titles"][0]["code"], "first_name": f"Anne{n}", "last_name": "Tremblay",
            "birth_date": "1985-04-12", "phone": "514 555-0199"})
    return created


def invoiced_session(trainer: Person, organization: str) -> tuple[dict, dict]:
    """A session with two participants, submitted by cheque: (the session, its open invoice)."""
    session = new_session(trainer, organization, participants=2)
    trainer.post(f"/api/cards/sessions/{session['id']}/submit",
                 json={"payment_method": "cheque", "billed_to": "organization"})
    session = eventually(lambda: (lambda s: s if s.get("status") == "invoiced" else None)(
        trainer.get(f"/api/cards/sessions/{session['id']}")))
    invoice = next(i for i in trainer.get("/api/billing/invoices?limit=100")["items"]
                   if i["session_id"] == session["id"])
    return session, invoice


def session_count(trainer: Person) -> int:
    return trainer.get("/api/cards/sessions?limit=1")["total"]


def invoices_of(trainer: Person, session_id: str) -> list[dict]:
    return [i for i in trainer.get("/api/billing/invoices?limit=100")["items"] if i["session_id"] == session_id]


# Portal 2 -----------------------------------------------------------------------------------------

def house_with_admin(aqpm_staff: Person, admin: Person, name: str) -> dict:
    """A production house whose delegate is ``admin`` (productions learns of new users from auth's events)."""
    return eventually(lambda: aqpm_staff.call("POST", "/api/productions/houses", expect=(201,), json={
        "name": name, "status": "active", "delegate_ids": [admin.me["id"]]}))


def sheet(admin: Person, house_id: str, title: str) -> dict:
    return admin.post("/api/productions/sheets", json={"house_id": house_id, "title": title})


def grant(admin: Person, sheet_id: str, user: Person) -> None:
    eventually(lambda: admin.call("POST", f"/api/productions/sheets/{sheet_id}/access", expect=(200, 201),
                                  json={"user_id": user.me["id"]}) or True)
