"""The accountant's CSV links on the ASSTSAS dashboard (issue 23, item 9), over the real cards and billing APIs: the
page links the three exports of the months it shows; each link hands on the service's file (its name, its BOM, its
headers in the person's language, its TOTAL); nobody but ASSTSAS staff gets them."""
from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from services.billing.db.models import Invoice
from services.cards.db.models import CardSession
from tests.billing.support import issue
from tests.cards.helpers import participant_form, seed_trainer, session_form
from tests.web.live_apis import live_apis
from tests.web.test_privacy_pages import get, web_app

pytestmark = pytest.mark.integration
FEBRUARY = datetime(2024, 2, 10, 17, 0, tzinfo=UTC)
LINK = re.compile(r'<a href="([^"]+)" download data-export="(\w+)">([^<]+)</a>')
HEADERS = {
    "fr": {"requests": "Demande,Soumise le,Formateur", "invoices": "Facture,Émise le,Client",
           "payments": "Reçu le,Mode de paiement,Référence"},
    "en": {"requests": "Request,Submitted at,Trainer", "invoices": "Invoice,Issued on,Customer",
           "payments": "Received on,Payment method,Reference"}}
WORDS = {"fr": ["Demandes (CSV)", "Factures (CSV)", "Paiements (CSV)"],
         "en": ["Requests (CSV)", "Invoices (CSV)", "Payments (CSV)"]}


@pytest.fixture(scope="module")
def apis():
    with live_apis("web_accounting_exports", ("cards", "billing")) as running:
        trainer = seed_trainer(running.dbs["cards"])
        headers = running.headers(trainer["user_id"], ["trainer"])
        cards = running.apps["cards"].test_client()
        session_id = cards.post("/sessions", json=session_form(), headers=headers).json["id"]
        for name in ("Odile", "Rémi"):
            cards.post(f"/sessions/{session_id}/participants", json=participant_form(first_name=name), headers=headers)
        assert cards.post(f"/sessions/{session_id}/submit", json={"payment_method": "cheque",
                                                                  "billed_to": "organization"},
                          headers=headers).status_code == 202
        invoice = issue(running.dbs["billing"], participant_count=3)
        with running.dbs["cards"].transaction() as session:
            session.execute(update(CardSession).where(CardSession.id == session_id).values(submitted_at=FEBRUARY))
        with running.dbs["billing"].transaction() as session:
            session.execute(update(Invoice).where(Invoice.id == invoice.id).values(issued_at=FEBRUARY))
        yield running


@pytest.fixture
def web(apis, tmp_path, monkeypatch):
    return web_app(apis, tmp_path, monkeypatch)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_dashboard_links_the_three_exports_of_its_period(apis, web, language):
    client = web.test_client()
    apis.sign_in(web, client, "staff-cards", ["cards_staff"], portal="staff")
    html = get(client, "/staff/dashboard?from=2024-01&to=2024-03", language)
    links = LINK.findall(html)
    assert [(href, name) for href, name, _words in links] == [
        (f"/staff/dashboard/{name}.csv?from=2024-01&amp;to=2024-03", name)
        for name in ("requests", "invoices", "payments")]
    assert [words for *_, words in links] == WORDS[language]
    totals = {}
    for href, name, _words in links:
        response = client.get(href.replace("&amp;", "&"), headers={"Accept-Language": language})
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"] == f'attachment; filename="{name}-2024-01-2024-03.csv"'
        text = response.get_data(as_text=True)
        assert text.startswith("\ufeff" + HEADERS[language][name])
        totals[name] = list(csv.reader(io.StringIO(text)))[-1]
    assert totals["requests"][0] == "TOTAL" and totals["requests"][7:10] == ["2", "", "4.00"]
    assert totals["invoices"][8] == "6.00" and totals["payments"][5] == "0.00"


def test_a_wrong_period_in_the_link_is_refused_and_others_get_nothing(apis, web):
    client = web.test_client()
    assert client.get("/staff/dashboard/invoices.csv").status_code == 302  # to the login page
    apis.sign_in(web, client, "staff-cards", ["cards_staff"], portal="staff")
    assert client.get("/staff/dashboard/invoices.csv?from=2024-05&to=2024-01").status_code == 422
    assert client.get("/staff/dashboard/audit.csv").status_code == 404
    trainer = web.test_client()
    apis.sign_in(web, trainer, "trainer-1", ["trainer"])
    assert trainer.get("/staff/dashboard/requests.csv").status_code == 404
    aqpm = web.test_client()
    apis.sign_in(web, aqpm, "aqpm-staff", ["productions_staff"], portal="staff")
    assert aqpm.get("/staff/dashboard/payments.csv").status_code == 404
