"""Every link in every email and PDF the journeys caused, followed as its reader would: in a fresh
browser context, logging in as the recipient when the page asks. Each must land, with status 200, on a
page of its own portal (an AQPM email on AQPM pages, an ASSTSAS one on ASSTSAS pages) on the platform's
own host and port. Runs after the journeys (see conftest.py) and reports every bad link at once.
"""
from __future__ import annotations

import pytest

from tests.browser.journeys.conftest import LINK_TEST
from tests.browser.journeys.links import check

pytestmark = pytest.mark.browser


def test_every_link_of_every_email_and_pdf_lands_on_its_portal(browser, platform, mailbox, ledger):
    links = ledger.links(mailbox)
    if not mailbox.all():
        pytest.skip("no email in this run: run it with the journeys")
    problems = check(browser, platform.base_url, links)
    followed = sorted({link.url for link in links})
    assert not problems, f"{len(problems)} bad link(s) of {len(followed)}:\n" + "\n".join(problems)


assert test_every_link_of_every_email_and_pdf_lands_on_its_portal.__name__ == LINK_TEST
