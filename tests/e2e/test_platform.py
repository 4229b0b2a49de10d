"""The platform end to end: real nginx in front of gunicorn per service, workers and relays, on
PostgreSQL and RabbitMQ (stack.local). Every request goes through the gateway."""
from __future__ import annotations

import uuid
from datetime import date, timedelta
from email import policy
from email.parser import BytesParser

import pytest
import requests

from tests.e2e.conftest import DEMO_PASSWORD, Client, eventually

pytestmark = pytest.mark.e2e


def test_every_service_is_ready_behind_the_gateway(platform):
    for service in ("auth", "cards", "billing", "productions", "notifier"):
        response = requests.get(platform.layout.readiness_url(service), timeout=10)
        assert response.status_code == 200, response.text
        assert response.json()["checks"] == {"database": "ok"}  # the broker is the workers' and relays' business
        hidden = requests.get(f"{platform.base_url}/api/{service}/readyz", timeout=10)
        assert hidden.status_code == 404 and hidden.json()["error"]["code"] == "not_found"  # not from outside
        assert requests.get(f"{platform.base_url}/api/{service}/metrics", timeout=10).status_code == 404
        spec = requests.get(f"{platform.base_url}/api/{service}/openapi.json", timeout=10)
        assert spec.status_code == 200 and spec.json()["paths"], service
        assert spec.headers["X-Request-ID"]


def test_register_login_me(platform):
    client = Client(platform.base_url)
    email = f"membre.{uuid.uuid4().hex[:8]}@example.org"
    password = "Un-mot-de-passe-solide-42"
    registered = client.request("POST", "/api/auth/register", json={
        "first_name": "Nadia", "last_name": "Tremblay", "email": email, "email_confirmation": email,
        "password": password, "password_confirmation": password})
    assert registered.status_code == 201, registered.text
    client.login(email, password)
    me = client.request("GET", "/api/auth/me", headers={"X-Request-ID": "e2e-me-1"})
    assert me.status_code == 200, me.text
    assert me.json()["email"] == email and me.json()["roles"] == ["member"]
    assert me.headers["X-Request-ID"] == "e2e-me-1"
    assert Client(platform.base_url).request("GET", "/api/auth/me").status_code == 401


def test_a_bad_login_is_refused_and_unknown_api_paths_are_json(platform):
    client = Client(platform.base_url)
    refused = client.request("POST", "/api/auth/login", json={"login": "ethc123", "password": "wrong-password"})
    assert refused.status_code == 401 and refused.json()["error"]["code"]
    missing = client.request("GET", "/api/nowhere/x")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def _session_form(reference: dict) -> dict:
    types = [item["code"] for item in reference["organization_types"]]
    organization_type = "etablissement_public" if "etablissement_public" in types else types[0]
    activities = [item["code"] for item in reference["activities"]]
    return {
        "organization_type": organization_type,
        "organization_name": "CISSS de la Montérégie-Centre",
        "location": "Hôpital Charles-Le Moyne, Longueuil",
        "activity_code": "pdsb" if "pdsb" in activities else activities[0],
        "end_date": (date.today() - timedelta(days=3)).isoformat(),
        "delivery": {"address": "1000, rue Sherbrooke Ouest", "city": "Montréal", "postal_code": "H2X 1Y4",
                     "attention": "Service de santé et sécurité", "email": "sst.e2e@example.org"},
    }


def _participant(reference: dict, first_name: str) -> dict:
    titles = reference.get("titles") or ["mme"]
    title = titles[0]["code"] if isinstance(titles[0], dict) else titles[0]
    return {"title": title, "first_name": first_name, "last_name": "Tremblay", "birth_date": "1985-04-12",
            "phone": "(514) 555-0199", "phone_ext": "12"}


def _emails(platform) -> list:
    folder = platform.layout.data_dir / "mail-outbox"
    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(path.read_bytes()) for path in sorted(folder.glob("**/*.eml"))]


def test_a_submitted_session_is_invoiced_by_billing_and_the_invoice_emailed(platform):
    trainer = Client(platform.base_url)
    trainer.login("ethc123", DEMO_PASSWORD)
    reference = trainer.request("GET", "/api/cards/reference").json()

    # cards learns about the trainer from auth's events: retry while that event is on its way.
    created = eventually(lambda: (lambda r: r if r.status_code == 201 else None)(
        trainer.request("POST", "/api/cards/sessions", json=_session_form(reference))))
    session = created.json()
    assert session["status"] == "new" and session["trainer"]["card_number"] == "ethc123-04"
    for name in ("Josée", "Marc", "Line"):
        added = trainer.request("POST", f"/api/cards/sessions/{session['id']}/participants",
                                json=_participant(reference, name))
        assert added.status_code == 201, added.text
    quote = trainer.request("GET", f"/api/cards/sessions/{session['id']}/quote").json()
    assert quote["total"] == "6.00" and quote["participant_count"] == 3

    submitted = trainer.request("POST", f"/api/cards/sessions/{session['id']}/submit",
                                json={"payment_method": "cheque", "billed_to": "organization"})
    assert submitted.status_code == 202, submitted.text

    # cards -> bus -> billing worker issues the invoice -> bus -> cards marks the session invoiced.
    invoiced = eventually(lambda: (lambda s: s if s["status"] == "invoiced" else None)(
        trainer.request("GET", f"/api/cards/sessions/{session['id']}").json()), timeout=45)
    assert invoiced["status"] == "invoiced"
    invoices = trainer.request("GET", "/api/billing/invoices").json()
    invoice = next(item for item in invoices["items"] if item["session_id"] == session["id"])
    assert invoice["total"] == "6.00" and invoice["status"] == "open" and invoice["payment_method"] == "cheque"
    assert invoice["number"]

    # billing -> bus -> the notifier writes the invoice email (.eml: no SMTP host locally).
    def invoice_email():
        return next((mail for mail in _emails(platform)
                     if "sst.e2e@example.org" in str(mail["To"]) and invoice["number"] in
                     (str(mail["Subject"]) + mail.get_body(preferencelist=("plain", "html")).get_content())), None)

    mail = eventually(invoice_email, timeout=45)
    assert "6.00" in mail.get_body(preferencelist=("plain", "html")).get_content().replace(",", ".")


def test_the_web_front_end_and_the_api_docs_are_served_by_the_gateway(platform):
    docs = requests.get(f"{platform.base_url}/api/docs", timeout=10)
    assert docs.status_code == 200 and "/api/billing/openapi.json" in docs.text
    page = requests.get(f"{platform.base_url}/", timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert page.headers["X-Frame-Options"] == "DENY" and page.headers["X-Request-ID"]


def test_a_disabled_account_is_refused_by_every_service_within_a_minute(platform):
    """Issue 17, item 11: AQPM staff disable a member; each service learns it from auth's event (no call
    to auth per request) and refuses the member's still-valid access token; enabling lets them back in."""
    member = Client(platform.base_url)
    email = f"membre.{uuid.uuid4().hex[:8]}@example.org"
    password = "Un-mot-de-passe-solide-42"
    registered = member.request("POST", "/api/auth/register", json={
        "first_name": "Noémie", "last_name": "Gagnon", "email": email, "email_confirmation": email,
        "password": password, "password_confirmation": password})
    assert registered.status_code == 201, registered.text
    member.login(email, password)
    calls = {"auth": "/api/auth/me", "cards": "/api/cards/sessions", "billing": "/api/billing/invoices",
             "productions": "/api/productions/houses", "notifier": "/api/notifier/messages"}
    before = {service: member.request("GET", path).status_code for service, path in calls.items()}
    assert 401 not in before.values(), before

    staff = Client(platform.base_url)
    staff.login("staff@aqpm.demo", DEMO_PASSWORD)
    disabled = staff.request("POST", f"/api/auth/users/{registered.json()['id']}/disable")
    assert disabled.status_code == 200, disabled.text

    def refused_everywhere():
        answers = {service: member.request("GET", path) for service, path in calls.items()}
        return all(a.status_code == 401 and a.json()["error"]["code"] == "account_disabled"
                   for a in answers.values())
    assert eventually(refused_everywhere, timeout=75)  # the stack re-reads every 5 s (30 s in production)
    assert member.request("POST", "/api/auth/login", json={"login": email, "password": password}).status_code == 403

    assert staff.request("POST", f"/api/auth/users/{registered.json()['id']}/enable").status_code == 200
    member.login(email, password)
    assert eventually(lambda: member.request("GET", "/api/productions/houses").status_code == 200, timeout=75)
