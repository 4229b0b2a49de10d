"""``PORT=<any> ./guichet start``: "Accéder au SET" stays on the platform, on that port (issue 16, 1).

The README's command, run on a free port other than 8000 with a clean environment (no
PUBLIC_BASE_URL, no PRODUCTIONS_SET_URL): an AQPM member's hand-off must redirect to this platform's
own /set-demo page, which must answer.
"""
from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
import requests

from tests.readme_start import readme_platform

PASSWORD = "Demo-password-5678"


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    with readme_platform(tmp_path_factory.mktemp("embedded-any-port"), PASSWORD) as started:
        assert urlsplit(started.base).port != 8000
        yield started.base


def _token(base: str, login: str) -> dict:
    response = requests.post(f"{base}/api/auth/login", json={"login": login, "password": PASSWORD}, timeout=10)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _member_id(base: str, staff: dict) -> str:
    """The demo member, once productions has it (auth's event reaches it over the in-process bus)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = requests.get(f"{base}/api/productions/users", params={"q": "membre"}, headers=staff, timeout=10)
        items = [user for user in found.json().get("items", []) if user.get("email") == "membre@aqpm.demo"] \
            if found.status_code == 200 else []
        if items:
            return items[0]["id"]
        time.sleep(0.3)
    raise AssertionError(f"productions does not know the demo member: {found.status_code} {found.text}")


def test_the_set_hand_off_redirects_to_this_platform_on_its_own_port(platform):
    staff, member = _token(platform, "staff@aqpm.demo"), _token(platform, "membre@aqpm.demo")
    house = requests.post(f"{platform}/api/productions/houses", headers=staff, timeout=10, json={
        "name": "Productions du port", "status": "active", "delegate_ids": [_member_id(platform, staff)]})
    assert house.status_code == 201, house.text
    sheet = requests.post(f"{platform}/api/productions/sheets", headers=member, timeout=10,
                          json={"house_id": house.json()["id"], "title": "Film sur un autre port"})
    assert sheet.status_code == 201, sheet.text
    handoff = requests.post(f"{platform}/api/productions/sheets/{sheet.json()['id']}/set-access", headers=member,
                            timeout=10)
    assert handoff.status_code == 200, handoff.text
    redirect = handoff.json()["redirect_url"]
    parts, own = urlsplit(redirect), urlsplit(platform)
    assert (parts.scheme, parts.netloc, parts.path) == (own.scheme, own.netloc, "/set-demo"), redirect
    assert requests.get(redirect, timeout=10).status_code == 200
