"""The people and data the accessibility scans visit, made once through the API, and browser contexts
that may inject axe-core (``bypass_csp``)."""
from __future__ import annotations

import pytest

from tests.browser.a11y.scan import AXE_JS
from tests.browser.forms.world import MEMBER_PASSWORD, World, build_world  # noqa: F401 - MEMBER_PASSWORD for tests


@pytest.fixture(scope="session")
def world(platform) -> World:
    return build_world(platform)


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
