"""Each portal walked with the keyboard alone (Tab, Shift+Tab, Enter, Space, arrows and typing — no
click, no fill): the focus order reaches every control the journey needs, in order, and the journey's
outcome is there afterwards (checked through the API)."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.a11y.conftest import MEMBER_PASSWORD, World
from tests.browser.conftest import unique
from tests.browser.forms import api

pytestmark = pytest.mark.browser

DESCRIBE_FOCUS_JS = """() => { const e = document.activeElement; if (!e || e === document.body) return 'body';
  return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.name ? `[name=${e.name}]` : '')
         + (e.getAttribute('href') ? `[href=${e.getAttribute('href')}]` : '')
         + ' ' + (e.innerText || '').trim().slice(0, 30); }"""


def tab_to(page: Page, selector: str, limit: int = 45, backwards: bool = False) -> None:
    """Presses Tab (or Shift+Tab) until the focus is on ``selector``; fails with the focus path otherwise."""
    path = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
        path.append(page.evaluate(DESCRIBE_FOCUS_JS))
    raise AssertionError(f"{selector} never got the focus after {limit} Tab presses; focus went: {path}")


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def choose_first_option(page: Page, selector: str) -> None:
    """A closed <select> takes the option below the current one with the Down arrow."""
    tab_to(page, selector)
    page.keyboard.press("ArrowDown")
    assert page.evaluate("s => document.querySelector(s).value", selector), f"{selector} kept no value"


def test_trainer_creates_a_request_adds_a_participant_and_reaches_payment_by_keyboard(scan_page, platform):
    page = scan_page()
    trainer = api.Person(platform.base_url, "ethc123", platform.password)
    before = api.session_count(trainer)
    organization = unique("Clavier Seulement ")

    page.goto("/")
    tab_to(page, "a.skip", limit=1)                      # the first stop jumps over the header to the content
    type_into(page, "#f-login", "ethc123")
    type_into(page, "#f-password", platform.password)
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Sessions")).to_be_visible()

    tab_to(page, "a[href='/sessions/new']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/sessions/new$"))
    expect(page.get_by_role("heading", name="Nouvelle demande")).to_be_visible()
    choose_first_option(page, "#f-organization_type")
    if page.locator("#f-organization_name").is_visible():
        type_into(page, "#f-organization_name", organization)
    else:
        choose_first_option(page, "#f-institution_id")
    type_into(page, "#f-location", "Montréal")
    choose_first_option(page, "#f-activity_code")
    tab_to(page, "#f-end_date")
    # The date box's three parts, in the order this Chromium shows them (mm/dd/yyyy, whatever the locale).
    page.keyboard.type((date.today() - timedelta(days=3)).strftime("%m%d%Y"))
    type_into(page, "#f-delivery-address", "505, boul. De Maisonneuve Ouest")
    type_into(page, "#f-delivery-city", "Montréal")
    type_into(page, "#f-delivery-postal_code", "H3A 3C2")
    type_into(page, "#f-delivery-attention", "Claude Éthier")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Liste des participants")).to_be_visible()

    tab_to(page, "main a[href$='/participants/new']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/participants/new$"))
    choose_first_option(page, "#f-title")
    type_into(page, "#f-first_name", "Karine")
    type_into(page, "#f-last_name", "Clavier")
    tab_to(page, "#f-birth_date")
    page.keyboard.type("04121985")
    type_into(page, "#f-phone", "514 555-0199")
    tab_to(page, "main form button[type=submit]:not([value=save_and_add]):not([value=cancel])")
    page.keyboard.press("Space")                          # a button also answers to the space bar
    expect(page.locator("main table tbody tr")).to_have_count(1)
    expect(page.locator("main table")).to_contain_text("Clavier")

    tab_to(page, "main a[href$='/payment']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/payment$"))
    expect(page.locator("[data-total]")).to_have_text("2,00\u00a0$")
    tab_to(page, "#f-payment_method")
    tab_to(page, "#f-billed_to")
    tab_to(page, "#f-payment_method", backwards=True)     # and back again, the way it came

    assert api.session_count(trainer) == before + 1
    created = next(s for s in trainer.get("/api/cards/sessions?limit=25")["items"]
                   if s.get("organization_name") == organization or s.get("location") == "Montréal")
    assert created["status"] == "new" and created["participant_count"] == 1


def test_member_logs_in_and_opens_a_sheet_then_goes_to_set_by_keyboard(scan_page, world: World):
    page = scan_page()
    page.goto("/aqpm/")
    login = "form[action^='/aqpm/login']"
    type_into(page, f"{login} input[name=email]", world.member.login)
    type_into(page, f"{login} input[name=password]", MEMBER_PASSWORD)
    tab_to(page, f"{login} button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Fiches de production")).to_be_visible()

    sheet = world.sheet
    tab_to(page, f"main a[href='/aqpm/sheets/{sheet['id']}']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=sheet["title"])).to_be_visible()
    tab_to(page, "main form[action$='/set'] button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/set-demo"))
    expect(page.locator("main")).to_contain_text(sheet["title"])


def test_house_administrator_grants_access_with_the_type_ahead_by_keyboard(scan_page, platform, world: World):
    """The user picker is a combobox: typing, Down arrow and Enter pick a suggestion without a mouse."""
    tag = unique("")
    newcomer = api.register_member(platform.base_url, "Noémie", f"Clavier{tag}", f"clavier.{tag}@exemple.ca",
                                   MEMBER_PASSWORD)
    page = scan_page()
    page.goto("/aqpm/")
    login = "form[action^='/aqpm/login']"
    type_into(page, f"{login} input[name=email]", world.house_admin.login)
    type_into(page, f"{login} input[name=password]", MEMBER_PASSWORD)
    page.keyboard.press("Enter")                                  # Enter in a field sends its form
    expect(page.get_by_role("heading", name="Fiches de production")).to_be_visible()
    page.goto(f"/aqpm/sheets/{world.sheet['id']}/access")

    tab_to(page, "main input[name=user_id_query]")
    suggestion = page.locator("main [role=listbox] [role=option]", has_text=f"Clavier{tag}")
    for _ in range(20):                       # the directory learns of the newcomer through the bus
        page.keyboard.type(f"Clavier{tag}", delay=20)
        try:
            expect(suggestion).to_be_visible(timeout=1_000)
            break
        except AssertionError:
            page.keyboard.press("Control+a")
            page.keyboard.press("Backspace")
    page.keyboard.press("ArrowDown")
    expect(page.locator("main input[name=user_id_query]")).to_have_attribute("aria-activedescendant", re.compile("."))
    page.keyboard.press("Enter")                                  # picks the suggestion, does not send yet
    expect(page.locator("main input[name=user_id_query]")).to_have_value(re.compile(f"Clavier{tag}"))
    tab_to(page, "main form:has([name=user_id_query]) button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text(newcomer.login)
    granted = world.house_admin.get(f"/api/productions/sheets/{world.sheet['id']}/access")
    assert newcomer.me["id"] in str(granted)
