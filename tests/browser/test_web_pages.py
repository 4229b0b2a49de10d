"""The web app in-process (Flask test client) against the running platform: every page renders for the
people allowed to see it, security headers and cookie flags, CSRF, no token in the browser, and the
access token refreshed with the refresh token once it expires."""
from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from services.web.app import create_app
from services.web.config import load_config
from services.web.session_store import WebSession

pytestmark = pytest.mark.browser


@pytest.fixture
def web(platform, tmp_path):
    config = load_config(api_base_url=platform.base_url, database_url=f"sqlite:///{tmp_path / 'web.db'}",
                         secret_key="test-secret-key-for-web-pages")
    app = create_app(config)
    return app


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(client, login_name: str, password: str, path: str = "/", field: str = "login"):
    token = csrf_of(client.get(path).get_data(as_text=True))
    action = "/aqpm/login" if path.startswith("/aqpm") else "/"
    return client.post(action, data={"csrf_token": token, field: login_name, "password": password})


def test_security_headers_cookie_and_csrf(web, platform):
    client = web.test_client()
    page = client.get("/")
    assert page.status_code == 200
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["X-Frame-Options"] == "DENY"
    assert '<script src="/static/app.js"' in page.get_data(as_text=True)
    assert "<script>" not in page.get_data(as_text=True)

    refused = client.post("/", data={"login": "ethc123", "password": platform.password})
    assert refused.status_code == 400                                   # no CSRF token, no login

    signed_in = login(client, "ethc123", platform.password)
    assert signed_in.status_code == 302 and signed_in.headers["Location"].endswith("/sessions")
    cookie = signed_in.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    payload = cookie.split(";")[0].split("=", 1)[1].split(".")[0]
    content = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert set(content) <= {"sid", "_permanent", "csrf_token", "lang"}   # a session id, never a token
    assert len(content["sid"]) >= 40
    with web.extensions["web_db"].transaction() as session:
        rows = session.query(WebSession).all()
        assert len(rows) == 1 and rows[0].access_token.startswith("gAAAAA")  # sealed (a Fernet token)
    assert web.extensions["web_sessions"].load(content["sid"]).access_token.startswith("eyJ")  # the cookie opens it


def test_expired_access_token_is_refreshed(web, platform):
    client = web.test_client()
    login(client, "ethc123", platform.password)
    with web.extensions["web_db"].transaction() as session:
        row = session.query(WebSession).one()
        old_access, old_refresh = row.access_token, row.refresh_token
        row.access_expires_at = datetime.now(UTC) - timedelta(minutes=1)
    page = client.get("/sessions")
    assert page.status_code == 200 and "Ajouter" in page.get_data(as_text=True)
    with web.extensions["web_db"].transaction() as session:
        row = session.query(WebSession).one()
        assert row.access_token != old_access and row.refresh_token != old_refresh

    with web.extensions["web_db"].transaction() as session:                # refresh token revoked: log in again
        row = session.query(WebSession).one()
        row.refresh_token = "revoked-or-unknown"
        row.access_expires_at = datetime.now(UTC) - timedelta(minutes=1)
    again = client.get("/sessions")
    assert again.status_code == 302 and "next=" in again.headers["Location"]


def test_every_page_renders_for_its_people(web, platform):
    trainer = web.test_client()
    login(trainer, "ethc123", platform.password)
    for path in ("/sessions", "/sessions/new", "/invoices", "/profile", "/help", "/attestations",
                 "/attestations/INCONNU-123"):
        response = trainer.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        assert "Traceback" not in response.get_data(as_text=True)
    assert trainer.get("/attestations/INCONNU-123").status_code == 404
    assert trainer.get("/staff/payments").status_code == 404           # not staff: nothing there
    assert trainer.get("/aqpm/houses").status_code == 404

    staff = web.test_client()
    login(staff, "staff@asstsas.demo", platform.password)
    for path in ("/staff/sessions", "/staff/sessions?status=", "/staff/trainers", "/staff/trainers?q=eth",
                 "/staff/reference", "/staff/payments", "/staff/participants?last_name=Tremblay"):
        response = staff.get(path)
        assert response.status_code == 200, (path, response.status_code)

    member = web.test_client()
    login(member, "membre@aqpm.demo", platform.password, path="/aqpm/", field="email")
    for path in ("/aqpm/sheets", "/aqpm/houses", "/aqpm/producers", "/aqpm/users?q=Mem", "/aqpm/profile"):
        assert member.get(path).status_code == 200, path  # the directory itself may be reserved to administrators
    assert member.get("/staff/houses").status_code == 404

    aqpm_staff = web.test_client()
    login(aqpm_staff, "staff@aqpm.demo", platform.password, path="/aqpm/", field="email")
    assert aqpm_staff.get("/staff/houses").status_code == 200
    suggestions = aqpm_staff.get("/aqpm/users/suggest?q=Membre").get_json()
    assert any("membre@aqpm.demo" in item["label"] for item in suggestions["items"])
    assert aqpm_staff.get("/staff/").status_code == 302


def test_language_switch_and_english_messages(web):
    client = web.test_client()
    assert "Connexion" in client.get("/").get_data(as_text=True)
    client.get("/lang/en?next=/help")
    english = client.get("/help").get_data(as_text=True)
    assert "Online help" in english and "ext. 246" in english
    assert client.get("/lang/en?next=//evil.example").headers["Location"] == "/"   # never another site
