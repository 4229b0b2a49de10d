"""What the journeys share: the link ledger, the person's language, and a few set-up calls to the API for
what another person would have done before (each journey stays runnable alone).

The journeys run on the one real-process stack of ``tests/browser/conftest.py`` (a free port, never the
default 8080 or 8000), through its nginx gateway, with real SMTP to the mail catcher.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
import requests

from tests.browser.journeys.links import AQPM, CARDS, LinkLedger

TRAINER_LOGIN, TRAINER_EMAIL = "ethc123", "claude.ethier@example.org"
LINK_TEST = "test_every_link_of_every_email_and_pdf_lands_on_its_portal"


def pytest_collection_modifyitems(config, items):
    """The link checker runs after every journey: it follows the links of every email they caused."""
    last = [item for item in items if item.name == LINK_TEST]
    items[:] = [item for item in items if item.name != LINK_TEST] + last


@pytest.fixture(scope="session")
def ledger(platform) -> LinkLedger:
    ledger = LinkLedger()
    ledger.reader(TRAINER_EMAIL, TRAINER_LOGIN, platform.password, CARDS)
    ledger.reader("staff@asstsas.demo", "staff@asstsas.demo", platform.password, CARDS)
    ledger.reader("staff@aqpm.demo", "staff@aqpm.demo", platform.password, AQPM)
    ledger.reader("membre@aqpm.demo", "membre@aqpm.demo", platform.password, AQPM)
    return ledger


@dataclass(frozen=True)
class Lang:
    """The words a person sees, in the language they chose with the page's language link."""
    code: str

    def __call__(self, french: str, english: str) -> str:
        return english if self.code == "en" else french


def choose_language(page, lang: Lang, path: str = "/") -> None:
    """Opens ``path``; in English, clicks the "English" link at the top of the page, as a person would."""
    page.goto(path)
    if lang.code == "en":
        page.get_by_role("link", name="English").click()
        page.wait_for_url(lambda url: "/lang/" not in url)
        assert page.locator("html").get_attribute("lang") == "en"


def on_dialog_accept(page) -> list[str]:
    """Accepts every confirmation the page asks for; returns the list of their messages."""
    asked: list[str] = []

    def accept(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    return asked


def download(page, href: str) -> bytes:
    """A document behind a link, fetched with the page's own cookies (a browser would download it)."""
    response = page.request.get(href)
    assert response.status == 200, f"{href}: {response.status}"
    return response.body()


class Api:
    """The public API through the gateway, as one person (set-up only: what someone else did before)."""

    def __init__(self, base_url: str, login: str, password: str):
        self.base_url = base_url
        self.http = requests.Session()
        response = self.http.post(f"{base_url}/api/auth/login", json={"login": login, "password": password},
                                  timeout=10)
        assert response.status_code == 200, response.text
        self.http.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    def call(self, method: str, path: str, expected: int = 200, **kwargs):
        response = self.http.request(method, self.base_url + path, timeout=15, **kwargs)
        assert response.status_code == expected, f"{method} {path}: {response.status_code} {response.text[:300]}"
        return response.json() if response.content else None

    def wait_for(self, path: str, ready, timeout: float = 30):
        """Polls ``path`` until ``ready(body)`` (the bus carries the change to the other services)."""
        deadline = time.monotonic() + timeout
        while True:
            body = self.call("GET", path)
            if ready(body):
                return body
            if time.monotonic() > deadline:
                raise AssertionError(f"{path} never became ready: {body}")
            time.sleep(0.3)
