"""Every link in every email and PDF the journeys caused, followed as its reader would: in a fresh
browser context, logging in as the recipient when the page asks. Each must land, with status 200, on a
page of its own portal (an AQPM email on AQPM pages, an ASSTSAS one on ASSTSAS pages) on the platform's
own host and port. Runs after the journeys (see conftest.py) and reports every bad link at once.
"""
from __future__ import annotations

import pytest

from tests.browser.journeys.conftest import LINK_TEST, TRAINER_EMAIL
from tests.browser.journeys.links import AQPM, CARDS, Link, check

pytestmark = pytest.mark.browser


def test_the_link_checker_reports_each_link_a_reader_would_stumble_on(browser, platform, ledger):
    """The checker itself, on links of the kinds issue 16 found, beside good ones."""
    base, trainer, member = platform.base_url, ledger.readers[TRAINER_EMAIL], ledger.readers["membre@aqpm.demo"]
    other_port = base.rsplit(":", 1)[0] + ":8000"
    bad = [Link(f"{base}/factures/0b9e4a4e-0000-4000-8000-000000000000/payer", "invoice email", CARDS, trainer),
           Link(f"{other_port}/set-demo?token=x", "hand-off", AQPM, member),
           Link(f"{base}/", "AQPM welcome email", AQPM, member),
           Link("mailto:support@asstsas.qc.ca", "AQPM reset email", AQPM, member),
           Link(f"{base}/sessions", "AQPM email read by a member", AQPM, member)]
    good = [Link(f"{base}/aqpm/", "AQPM welcome email", AQPM, member),
            Link(f"{base}/aqpm/sheets", "AQPM email", AQPM, member),
            Link(f"{base}/invoices", "invoice email", CARDS, trainer),
            Link("mailto:support@asstsas.qc.ca", "invoice email", CARDS, trainer)]
    problems = check(browser, base, bad + good)
    assert len(problems) == len(bad), "\n".join(problems)
    for link, problem in zip(bad, problems, strict=True):
        assert problem.startswith(link.source) and link.url in problem, problem


def test_every_link_of_every_email_and_pdf_lands_on_its_portal(browser, platform, mailbox, ledger):
    if not mailbox.all():
        pytest.skip("no email in this run: run it with the journeys")
    links = ledger.links(mailbox)
    problems = check(browser, platform.base_url, links)
    followed = {(link.url, link.reader.address if link.reader else None) for link in links}
    print(f"{len(mailbox.all())} emails, {len(ledger.pdfs)} PDFs downloaded, {len(links)} links, "
          f"{len(followed)} followed")
    assert not problems, f"{len(problems)} bad link(s) of {len(followed)}:\n" + "\n".join(problems)


assert test_every_link_of_every_email_and_pdf_lands_on_its_portal.__name__ == LINK_TEST
