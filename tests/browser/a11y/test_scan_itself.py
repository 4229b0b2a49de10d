"""The scanner itself finds what it is meant to find: a page with a duplicate id, an unlabelled field and
no focus style fails each check (so a clean scan of the portals means something)."""
from __future__ import annotations

import pytest

from tests.browser.a11y.scan import AXE_JS, scan

pytestmark = pytest.mark.browser

BAD_PAGE = """<!doctype html><html lang="fr"><head><title>Mauvaise page</title>
<style>*:focus, *:focus-visible { outline: none; }</style></head>
<body><main><h1>Mauvaise page</h1><h3>Trop bas</h3>
<label for="dup">Courriel</label><input id="dup"><input id="dup" name="other">
<input name="unlabelled"><button>Envoyer</button></main></body></html>"""


def test_the_scan_reports_every_kind_of_fault(browser):
    if not AXE_JS.exists():
        pytest.skip(f"{AXE_JS} is missing: run deploy/dev/ensure-infra.sh")
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.set_content(BAD_PAGE)
        rules = {finding.rule for finding in scan(page)}
    finally:
        context.close()
    assert {"own-duplicate-id", "own-control-label", "own-focus-visible", "heading-order", "label"} <= rules, rules
