"""Each service's Swagger UI through the gateway, in headless Chromium: the page loads everything it needs
from the platform itself (no CDN, no validator badge), shows the service's operations, and "Try it out"
calls the operation under /api/<service> (the document's ``servers``)."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def open_docs(new_page, path: str):
    """The page, every request it made, and what the console said of refused loads or errors."""
    page = new_page()
    requests_made, problems = [], []
    page.on("request", lambda request: requests_made.append(request.url))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(path)
    return page, requests_made, problems


def outside(platform, urls: list[str]) -> list[str]:
    here = urlsplit(platform.base_url)
    return [url for url in urls
            if not url.startswith(("data:", "blob:"))
            and (urlsplit(url).scheme, urlsplit(url).netloc) != (here.scheme, here.netloc)]


@pytest.mark.parametrize("path", ["/api/cards/docs", "/api/cards/docs/"])
def test_the_cards_docs_load_from_the_platform_alone_and_show_the_operations(platform, new_page, path):
    page, requests_made, problems = open_docs(new_page, path)

    expect(page.get_by_text("Guichet — Cards", exact=False).first).to_be_visible()
    verify = page.locator(".opblock-summary", has=page.locator('[data-path="/attestations/{code}"]')).first
    expect(verify).to_be_visible()
    expect(page.get_by_text("Public: verify an attestation (no birth date, no contact)")).to_be_visible()
    expect(page.get_by_text("submit_session", exact=True)).to_be_visible()  # operation ids are shown
    page.wait_for_load_state("networkidle")

    assert outside(platform, requests_made) == []
    loaded = {urlsplit(url).path for url in requests_made}
    assert {"/api/cards/docs/assets/swagger-ui-bundle.js", "/api/cards/docs/assets/swagger-ui.css",
            "/api/cards/openapi.json"} <= loaded
    assert problems == []  # nothing refused by the page's Content-Security-Policy, no script error


def test_try_it_out_calls_the_operation_through_the_gateway(platform, new_page):
    page, requests_made, problems = open_docs(new_page, "/api/cards/docs")
    block = page.locator(".opblock", has=page.locator('.opblock-summary-path[data-path="/reference"]')).first
    block.locator(".opblock-summary").first.click()
    block.get_by_role("button", name="Try it out").click()
    with page.expect_response(lambda response: urlsplit(response.url).path.endswith("/reference")) as answer:
        block.get_by_role("button", name="Execute").click()

    response = answer.value
    assert urlsplit(response.url).path == "/api/cards/reference"
    assert response.status in (200, 401)  # the service answered (a 404 would be the wrong path)
    assert "application/json" in response.headers.get("content-type", "")
    shown = block.locator(".live-responses-table tbody .response-col_status").first
    expect(shown).to_contain_text(str(response.status))
    assert outside(platform, requests_made) == []
    assert problems == [] or all("401" in problem for problem in problems)


@pytest.mark.parametrize("service", ["auth", "billing", "productions", "notifier"])
def test_every_other_service_docs_load_from_the_platform(platform, new_page, service):
    page, requests_made, problems = open_docs(new_page, f"/api/{service}/docs")

    expect(page.locator(".opblock-summary").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert outside(platform, requests_made) == []
    assert f"/api/{service}/openapi.json" in {urlsplit(url).path for url in requests_made}
    assert problems == []
