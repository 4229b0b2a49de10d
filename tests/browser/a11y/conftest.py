"""The people and data the accessibility scans visit, made once through the API, and browser contexts
that may inject axe-core (``bypass_csp``)."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.browser.a11y.scan import AXE_JS
from tests.browser.conftest import unique
from tests.browser.forms import api

MEMBER_PASSWORD = "Accessible-2026-secret"


@dataclass
class World:
    trainer: api.Person
    new_session: dict          # status "new", two participants
    participant_id: str
    invoiced_session: dict     # submitted by cheque, invoiced
    invoice: dict
    house_admin: api.Person
    member: api.Person         # granted on the sheet, administers nothing
    house: dict
    sheet: dict


@pytest.fixture(scope="session")
def world(platform) -> World:
    base = platform.base_url
    trainer = api.Person(base, "ethc123", platform.password)
    fresh = api.new_session(trainer, unique("Clinique Accessible "), participants=2)
    participant = trainer.get(f"/api/cards/sessions/{fresh['id']}/participants")["items"][0]
    invoiced, invoice = api.invoiced_session(trainer, unique("CIUSSS Accessible "))

    tag = unique("")
    aqpm_staff = api.Person(base, "staff@aqpm.demo", platform.password)
    admin = api.register_member(base, "Hélène", f"Admin{tag}", f"admin.a11y.{tag}@exemple.ca", MEMBER_PASSWORD)
    member = api.register_member(base, "Mathis", f"Membre{tag}", f"membre.a11y.{tag}@exemple.ca", MEMBER_PASSWORD)
    house = api.house_with_admin(aqpm_staff, admin, f"Productions Accessibles {tag}")
    sheet = api.sheet(admin, house["id"], f"Le Long Métrage {tag}")
    api.grant(admin, sheet["id"], member)
    return World(trainer, fresh, participant["id"], invoiced, invoice, admin, member, house, sheet)


@pytest.fixture
def scan_page(browser, platform):
    """``scan_page()`` -> a page in a fresh context (own cookies) where axe-core may be injected."""
    if not AXE_JS.exists():
        pytest.skip(f"{AXE_JS} is missing: run deploy/dev/ensure-infra.sh (npm ci in tests/browser)")
    contexts = []

    def make(width: int = 1280, height: int = 900):
        context = browser.new_context(base_url=platform.base_url, locale="fr-CA", bypass_csp=True,
                                      viewport={"width": width, "height": height})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
