"""What the pages under test show, made once through the API: a trainer's new and invoiced requests,
a production house with its administrator, a sheet and a member granted on it."""
from __future__ import annotations

from dataclasses import dataclass

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


_built: dict[str, World] = {}


def build_world(platform) -> World:
    """Built once per platform, whichever folder of tests asks first."""
    if platform.base_url not in _built:
        _built[platform.base_url] = _build(platform)
    return _built[platform.base_url]


def _build(platform) -> World:
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
