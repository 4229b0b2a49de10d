"""The AQPM portal's forms (house administrator) sent empty and with wrong values: production sheet, access
grant, house edit, house administrator, producers. Field errors beside their fields, in the page's
language; nothing written."""
from __future__ import annotations

import pytest

from tests.browser.forms.check import Case, run, run_both, sign_in
from tests.browser.forms.world import MEMBER_PASSWORD, build_world

pytestmark = pytest.mark.browser

LONG = "x" * 301


@pytest.fixture
def admin_page(new_page, platform):
    world = build_world(platform)
    page = new_page()
    sign_in(page, world.house_admin.login, MEMBER_PASSWORD, aqpm=True)
    return page, world


def test_sheet_form(admin_page):
    page, world = admin_page
    admin, house = world.house_admin, world.house
    cases = [Case("empty", {"title": ""}, ("title",)),
             Case("title too long", {"title": LONG}, ("title",)),
             Case("impossible date", {"title": "Date impossible", "shooting_start": "2026-02-30"},
                  ("shooting_start",)),
             Case("ends before it starts", {"title": "À l'envers", "shooting_start": "2026-06-10",
                                            "shooting_end": "2026-06-01"}, ("shooting_start|shooting_end",))]
    sheets = lambda: admin.get("/api/productions/sheets?limit=1")["total"]  # noqa: E731
    found = run_both(page, f"/aqpm/sheets/new?house_id={house['id']}", "main form:has([name=title])", cases, sheets)
    found += run(page, f"/aqpm/sheets/{world.sheet['id']}/edit", "main form:has([name=title])",
                 [Case("title emptied", {"title": ""}, ("title",))], "fr",
                 lambda: admin.get(f"/api/productions/sheets/{world.sheet['id']}")["title"])
    assert not found, "\n".join(found)


def test_access_grant_and_house_administrator(admin_page):
    page, world = admin_page
    admin, sheet, house = world.house_admin, world.sheet, world.house
    nobody = [Case("nobody picked", {"user_id_query": ""}, ("user_id_query",)),
              Case("a name typed, no suggestion picked", {"user_id_query": "Zzyzx Personne"}, ("user_id_query",))]
    found = run_both(page, f"/aqpm/sheets/{sheet['id']}/access", "main form:has([name=user_id_query])", nobody,
                     lambda: admin.get(f"/api/productions/sheets/{sheet['id']}/access"))
    admins = lambda: [a["id"] for a in admin.get(f"/api/productions/houses/{house['id']}")["admins"]]  # noqa: E731
    found += run(page, f"/aqpm/houses/{house['id']}", "main form[action$='/admins']", nobody, "fr", admins)
    found += run_both(page, f"/aqpm/houses/{house['id']}", "main form:has([name=name])",
                      [Case("name emptied", {"name": ""}, ("name",)), Case("name too long", {"name": LONG}, ("name",))],
                      lambda: admin.get(f"/api/productions/houses/{house['id']}")["name"])
    assert not found, "\n".join(found)


def test_producers_form(admin_page):
    page, world = admin_page
    admin = world.house_admin
    cases = [Case("empty", {"name": ""}, ("name",)),
             Case("name too long", {"name": LONG}, ("name",)),
             Case("bad email", {"name": "Productions Test", "email": "pas-un-courriel"}, ("email",))]
    found = run(page, "/aqpm/producers", "main form:has([name=name])", cases, "fr",
                lambda: admin.get("/api/productions/producers?limit=1")["total"])
    assert not found, "\n".join(found)
