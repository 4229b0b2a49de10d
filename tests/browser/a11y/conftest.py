"""The people and data the accessibility scans visit, made once through the API, and browser contexts
that may inject axe-core (``bypass_csp``)."""
from __future__ import annotations

import pytest

from tests.browser.a11y.scan import AXE_JS
from tests.browser.forms.world import MEMBER_PASSWORD, World, build_world  # noqa: F401 - MEMBER_PASSWORD for tests
from tests.infra import missing


@pytest.fixture(scope="session")
def world(platform) -> World:
    return build_world(platform)


@pytest.fixture
def scan_page(new_page):
    """``scan_page()`` -> a page in a fresh context (own cookies) where axe-core may be injected."""
    if not AXE_JS.exists():
        missing(f"{AXE_JS} is missing: run deploy/dev/ensure-infra.sh (npm ci in tests/browser)")
    return lambda width=1280, height=900: new_page(width, height, bypass_csp=True)
