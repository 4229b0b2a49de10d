"""axe-core and our own checks on every page of every role (in French or in English, in turn), and every
page read in both languages: no violation of any impact, and each page in one language. Each role's figures
(by rule and impact) go to tests/browser/artifacts/a11y-<role>.json."""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from chassis.config import REPO_ROOT
from chassis.i18n_catalogues import Speaker
from tests.browser.a11y.conftest import MEMBER_PASSWORD, World
from tests.browser.a11y.scan import Finding, scan
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

# A page to scan: a path to open, or (a name, steps that bring the page to the state to scan).
Visit = str | tuple[str, Callable[[Page], None]]


def login_cards(page: Page, login: str, password: str) -> None:
    page.goto("/")
    page.locator("#f-login").fill(login)
    page.locator("#f-password").fill(password)
    page.locator("#f-password").press("Enter")
    expect(page.locator("form[action='/logout'], form[action$='/logout']").first).to_be_attached()


def login_aqpm(page: Page, email: str, password: str) -> None:
    page.goto("/aqpm/")
    form = page.locator("form[action^='/aqpm/login']")
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("input[name=password]").press("Enter")
    expect(page.locator("form[action$='/logout']").first).to_be_attached()


def submitted_empty(path: str, button: str = "main form button[type=submit]") -> tuple[str, Callable[[Page], None]]:
    """The form of ``path`` sent empty: its page with the field errors showing."""
    def steps(page: Page) -> None:
        page.goto(path)
        page.evaluate("() => document.querySelectorAll('[required]').forEach(e => e.removeAttribute('required'))")
        page.locator(button).last.click()
        page.wait_for_load_state()
    return f"{path} (sent empty)", steps


def forgot_sent(page: Page) -> None:
    page.goto("/password/forgot")
    page.locator("#f-card_number").fill("inconnu-99")
    page.locator("#f-card_number").press("Enter")
    page.wait_for_load_state()


def set_demo(page: Page) -> None:
    page.get_by_role("button", name=re.compile("SET")).click()
    page.wait_for_url(re.compile(r"/set-demo"))


def pages_of(role: str, w: World) -> list[Visit]:
    s, inv = w.new_session["id"], w.invoiced_session["id"]
    if role == "anonymous":
        return ["/", "/password/forgot", ("/password/forgot (sent)", forgot_sent), "/help", "/attestations",
                "/attestations/INCONNU-123", "/aqpm/", "/aqpm/password/forgot", "/page-qui-n-existe-pas",
                submitted_empty("/", "main form button[type=submit]"), "/privacy", "/aqpm/privacy"]
    if role == "trainer":
        return ["/sessions", "/sessions/new", f"/sessions/{s}", f"/sessions/{s}/participants",
                f"/sessions/{s}/participants/new", f"/sessions/{s}/participants/{w.participant_id}",
                f"/sessions/{s}/payment", f"/sessions/{inv}", f"/sessions/{inv}/participants",
                "/invoices", f"/invoices/{w.invoice['id']}", "/profile", "/password/change", "/help",
                submitted_empty("/sessions/new"), submitted_empty(f"/sessions/{s}/participants/new")]
    if role == "cards_staff":
        return ["/staff/sessions", "/staff/sessions?status=", "/staff/trainers", "/staff/trainers?q=eth",
                "/staff/reference", "/staff/payments", "/staff/participants",
                "/staff/participants?last_name=Tremblay", "/profile", "/help", "/staff/dashboard",
                "/staff/dashboard?from=2026-05&to=2026-03"]
    if role == "member":
        return ["/aqpm/sheets", f"/aqpm/sheets/{w.sheet['id']}", ("/set-demo", set_demo), "/aqpm/houses",
                "/aqpm/producers", "/aqpm/users", "/aqpm/users?q=Mem", "/aqpm/profile", "/aqpm/sheets/inconnue"]
    if role == "house_admin":
        return [f"/aqpm/houses/{w.house['id']}", "/aqpm/sheets/new", f"/aqpm/sheets/{w.sheet['id']}/edit",
                f"/aqpm/sheets/{w.sheet['id']}/access", "/aqpm/producers", "/aqpm/users?q=Mem",
                submitted_empty("/aqpm/sheets/new")]
    if role == "productions_staff":
        return ["/staff/houses", "/aqpm/sheets", f"/aqpm/houses/{w.house['id']}", "/aqpm/houses",
                submitted_empty("/staff/houses"), "/staff/productions/dashboard",
                "/staff/productions/dashboard?from=2020-01&to=2026-01"]
    raise ValueError(role)


def sign_in(role: str, page: Page, platform, w: World) -> None:
    if role == "trainer":
        login_cards(page, "ethc123", platform.password)
    elif role == "cards_staff":
        login_cards(page, "staff@asstsas.demo", platform.password)
    elif role == "member":
        login_aqpm(page, w.member.login, MEMBER_PASSWORD)
    elif role == "house_admin":
        login_aqpm(page, w.house_admin.login, MEMBER_PASSWORD)
    elif role == "productions_staff":
        login_aqpm(page, "staff@aqpm.demo", platform.password)


def visit(page: Page, item: Visit) -> str:
    if isinstance(item, str):
        response = page.goto(item)
        assert response is not None and response.status < 500, f"{item} answered {response and response.status}"
        return item
    name, steps = item
    steps(page)
    return name


# "Texte. / Text." (not a label pair such as "M. / Mr.")
GLUED_HALVES = re.compile(r"(?:\w{3,}|[)»])[.!?] / [A-ZÉÀ]")
FRENCH_COLON = re.compile(r"\S[ \u00a0\u202f]:(?=\s|$)")


def _french_sources() -> list[str]:
    """The web catalogue's French sentences whose English differs: none may show on an English page."""
    french = []
    for message in Speaker(REPO_ROOT / "services" / "web").catalogue():
        if isinstance(message.id, str) and len(message.id) >= 20 and "%(" not in message.id \
                and message.string and message.string != message.id:
            french.append(message.id)
    return french


FRENCH_SOURCES = _french_sources()


def language_findings(page: Page, language: str) -> list[Finding]:
    """The page speaks one language: no bilingual "Texte. / Text." message, and an English page without
    the French space before a colon ("Status :") nor a sentence of the catalogue left in French."""
    text = page.locator("body").inner_text()
    found = []
    if language == "en":
        # data written in French (a reference list's French label) is marked lang="fr" and does not count
        own_text = page.evaluate("() => { const body = document.body.cloneNode(true);"
                                 " body.querySelectorAll('[lang]:not([lang^=en])').forEach(e => e.remove());"
                                 " return body.textContent; }")
        untranslated = [source for source in FRENCH_SOURCES if source in own_text]
        if untranslated:
            found.append(Finding("own-untranslated", "language", "French text on an English page",
                                 tuple(untranslated[:4])))
    glued = GLUED_HALVES.findall(text)
    if glued:
        found.append(Finding("own-glued-halves", "language", "a bilingual API message shown as is", tuple(glued[:4])))
    if language == "en":
        spaced = [text[max(m.start() - 20, 0):m.end()].replace("\n", " ") for m in FRENCH_COLON.finditer(text)]
        if spaced:
            found.append(Finding("own-english-spacing", "language", "French spacing before a colon on an English page",
                                 tuple(spaced[:4])))
    return found


def summary(results: dict[str, list[Finding]]) -> dict:
    by_rule = Counter()
    for findings in results.values():
        for finding in findings:
            by_rule[f"{finding.rule} ({finding.impact})"] += 1
    return {"scans": len(results), "violations_by_rule": dict(sorted(by_rule.items())),
            "pages": {name: [str(f) for f in findings] for name, findings in results.items() if findings}}


ROLES = ("anonymous", "trainer", "cards_staff", "member", "house_admin", "productions_staff")


LANGUAGES = ("fr", "en")


@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_axe_in_french_and_english(role, scan_page, platform, world):
    """Each page is read for language mistakes in both languages and scanned by axe and our own checks in
    one of them, French and English in turn from one page to the next: the two share templates, styles
    and structure, which is what those rules look at, and a scan costs the browser as much as a page load."""
    page = scan_page()
    sign_in(role, page, platform, world)
    results: dict[str, list[Finding]] = {}
    for turn, language in enumerate(LANGUAGES):
        page.goto(f"/lang/{language}?next=/help")
        for index, item in enumerate(pages_of(role, world)):
            name = visit(page, item)
            assert page.locator("html").get_attribute("lang") == language, name
            scanned = scan(page) if (index + turn) % len(LANGUAGES) == 0 else []
            results[f"{language} {name}"] = scanned + language_findings(page, language)
            if name == "/set-demo":
                page.go_back()
    report = summary(results)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"a11y-{role}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    assert not report["pages"], json.dumps(report, indent=2, ensure_ascii=False)
