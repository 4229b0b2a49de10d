"""The staff dashboards in Chromium through the gateway (issue 23): ASSTSAS (requests and billing) and AQPM
(sheets, hand-offs, houses), in French and in English. Each chart is an inline SVG named and described for screen
readers, its numbers in a table that says what the services count; a wrong period is refused beside the picker;
the page holds its Content-Security-Policy; anyone but the portal's staff is refused."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from chassis.i18n import format_money, format_number
from tests.browser.conftest import unique
from tests.browser.pages import login_aqpm, login_trainer
from tests.browser.staff_scenes import (
    Api,
    cards_staff_api,
    eventually,
    invoiced_session,
    login_cards_staff,
    to_english,
)

pytestmark = pytest.mark.browser


def watch_csp(page: Page) -> list[str]:
    """What the browser says it blocked on the page (an inline style or script the CSP refused)."""
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    return blocked


def assert_charts_are_described(page: Page, count: int) -> None:
    charts = page.locator("main svg[role=img]")
    expect(charts).to_have_count(count)
    for index in range(count):
        chart = charts.nth(index)
        title_id = chart.get_attribute("aria-labelledby")
        assert (chart.locator(f"title#{title_id}").text_content() or "").strip()
        summary = page.locator(f"#{chart.get_attribute('aria-describedby')}")
        expect(summary).to_be_visible()
        assert len(summary.inner_text().strip()) > 20
        figure = page.locator("[data-figure]").nth(index)
        expect(figure.locator("table caption")).to_contain_text(figure.locator("h3").inner_text())
        assert figure.locator("thead th[scope=col]").count() >= 2
        assert figure.locator("tbody th[scope=row]").count() >= 1
        assert chart.locator("rect").count() > 1  # drawn: a background and its bars


def table_total(page: Page, figure: str, column: int = 0) -> str:
    return page.locator(f"[data-figure={figure}] tfoot td").nth(column).inner_text().strip()


def refuse_a_period_backwards(page: Page, first: str, last: str, button: str, message: str) -> None:
    page.locator("#f-from").fill("2026-05")
    page.locator("#f-to").fill("2026-03")
    with page.expect_response(lambda response: "from=2026-05" in response.url) as answered:
        page.get_by_role("button", name=button).click()
    assert answered.value.status == 422
    expect(page.locator(".field:has(#f-from) .field-error")).to_have_text(re.compile(re.escape(message)))
    expect(page.locator("#f-from")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label(first)).to_have_value("2026-05")
    expect(page.get_by_label(last)).to_have_value("2026-03")
    expect(page.locator("main svg")).to_have_count(0)


def test_asstsas_dashboard_shows_requests_and_billing_in_french_and_english(new_page, platform):
    last_name = unique("Tableau")
    scene = invoiced_session(platform, last_name)  # a request of 3 cards, submitted and invoiced this month
    staff = cards_staff_api(platform)
    eventually(lambda: staff.call("GET", f"/api/cards/sessions/{scene['id']}").json()["status"] == "invoiced")
    page = new_page()
    blocked = watch_csp(page)
    login_cards_staff(page, platform.password)
    page.get_by_role("link", name="Tableau de bord", exact=True).click()
    expect(page.get_by_role("heading", name="Tableau de bord", level=1)).to_be_visible()
    cards, billing = staff.call("GET", "/api/cards/stats").json(), staff.call("GET", "/api/billing/stats").json()

    expect(page.get_by_label("Premier mois")).to_have_value(cards["period"]["from"])
    expect(page.get_by_label("Dernier mois")).to_have_value(cards["period"]["to"])
    assert_charts_are_described(page, 6)
    assert cards["totals"]["requests"] >= 1
    assert table_total(page, "requests-by-month") == format_number(cards["totals"]["requests"], "fr")
    assert table_total(page, "cards-by-month") == format_number(cards["totals"]["cards"], "fr")
    assert table_total(page, "open-balance", 1) == format_money(Decimal(billing["open_balance"]["balance"]), "fr")
    invoiced = next(s for s in cards["by_status"] if s["status"] == "invoiced")
    expect(page.locator("[data-figure=by-status] tbody tr", has_text="Facturée").locator("td")).to_have_text(
        format_number(invoiced["requests"], "fr"))
    expect(page.locator("[data-figure=payments] thead")).to_contain_text("Par chèque")
    requests = cards["totals"]["requests"]
    expect(page.locator("#requests-by-month-summary")).to_contain_text(
        f"{requests} demande soumise" if requests == 1 else f"{requests} demandes soumises")
    refuse_a_period_backwards(page, "Premier mois", "Dernier mois", "Afficher",
                              "Le premier mois ne peut pas suivre le dernier.")

    to_english(page)                              # the same refused period, in English
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.locator(".field:has(#f-from) .field-error")).to_contain_text(
        "The first month cannot come after the last.")
    page.get_by_label("First month").fill(cards["period"]["to"])
    page.get_by_label("Last month").fill(cards["period"]["to"])
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    assert_charts_are_described(page, 6)
    expect(page.locator("[data-figure=requests-by-month] caption")).to_contain_text("Requests submitted by month")
    expect(page.locator("[data-figure=by-status] tbody")).to_contain_text("Invoiced")
    expect(page.locator("[data-figure=open-balance] caption")).to_contain_text(" on ")
    expect(page.locator("[data-figure=payments] thead")).to_contain_text("By cheque")
    assert page.locator("[data-figure=requests-by-month] tbody tr").count() == 1  # one month asked for
    assert blocked == []


def test_aqpm_dashboard_shows_sheets_handoffs_and_houses(new_page, platform):
    staff = Api(platform, "staff@aqpm.demo", platform.password)
    page = new_page()
    blocked = watch_csp(page)
    login_aqpm(page, "staff@aqpm.demo", platform.password)
    page.get_by_role("link", name="Back-office").click()
    page.get_by_role("link", name="Tableau de bord AQPM").click()
    expect(page.get_by_role("heading", name="Tableau de bord AQPM", level=1)).to_be_visible()
    figures = staff.call("GET", "/api/productions/stats").json()
    assert_charts_are_described(page, 3)
    assert table_total(page, "sheets-by-month") == format_number(figures["totals"]["sheets"], "fr")
    assert table_total(page, "handoffs-by-month") == format_number(figures["totals"]["handoffs"], "fr")
    expect(page.locator("[data-fact]").first).to_have_text(format_number(figures["houses"]["active"], "fr"))
    refuse_a_period_backwards(page, "Premier mois", "Dernier mois", "Afficher",
                              "Le premier mois ne peut pas suivre le dernier.")
    to_english(page)
    expect(page.get_by_role("heading", name="AQPM dashboard", level=1)).to_be_visible()
    page.get_by_label("First month").fill("2023-12")
    page.get_by_label("Last month").fill("2026-12")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".field:has(#f-to) .field-error")).to_contain_text("The period is at most 36 months long.")
    page.get_by_label("First month").fill("2025-01")
    page.get_by_role("button", name="Show").click()
    assert_charts_are_described(page, 3)
    expect(page.locator("h1 [data-period]")).to_have_text("from January 2025 to December 2026")
    assert blocked == []


def test_only_each_portals_staff_see_its_dashboard(new_page, platform):
    trainer = new_page()
    login_trainer(trainer, platform.password)
    for path in ("/staff/dashboard", "/staff/productions/dashboard"):
        assert trainer.goto(path).status == 404
    expect(trainer.get_by_role("link", name="Tableau de bord")).to_have_count(0)

    cards_staff = new_page()
    login_cards_staff(cards_staff, platform.password)
    assert cards_staff.goto("/staff/productions/dashboard").status == 404

    aqpm_staff = new_page()
    login_aqpm(aqpm_staff, "staff@aqpm.demo", platform.password)
    assert aqpm_staff.goto("/staff/dashboard").status == 404

    member = new_page()
    login_aqpm(member, "membre@aqpm.demo", platform.password)
    assert member.goto("/staff/productions/dashboard").status == 404

    anonymous = new_page()
    anonymous.goto("/staff/dashboard")
    expect(anonymous).to_have_url(re.compile(r"/\?next=%2Fstaff%2Fdashboard|/\?next=/staff/dashboard"))
