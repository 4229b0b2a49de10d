"""The "cartes expédiées" email names the request it is about (issue 16, 13).

The seam from end to end: the real cards service ships a request (PostgreSQL), its
``cards.session_shipped`` event goes through the catalogue to the notifier's real handler, the email
goes out over SMTP, and its link lands on that request's page of the ASSTSAS portal.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from chassis.bus.tables import OutboxMessage
from chassis.db import Database
from chassis.i18n import format_date
from chassis.testing.tokens import TokenFactory
from services.cards.app import create_app as create_cards_app
from services.cards.config import load_config as load_cards_config
from tests.browser.mail_catcher import html_links, text_links
from tests.cards.helpers import deliver, participant_form, seed_trainer, session_form
from tests.cards.helpers import envelope as cards_envelope
from tests.infra import migrated_database
from tests.notifier.support import envelope, handle
from tests.notifier.web_pages import CARDS, check_landing, web_app

pytestmark = pytest.mark.integration
BASE = "https://guichet.test"


@pytest.fixture(scope="module")
def cards():
    database = Database(migrated_database("cards", "notifier_shipped_cards"))
    tokens = TokenFactory()
    app = create_cards_app(load_cards_config(database_url=database.url), db=database,
                           token_verifier=tokens.verifier())
    yield database, tokens, app.test_client()
    database.dispose()


def _shipped_event(cards, language: str) -> dict:
    db, tokens, client = cards
    person = seed_trainer(db)
    headers = tokens.headers(person["user_id"], ["trainer"])
    created = client.post("/sessions", json=session_form(), headers=headers)
    assert created.status_code == 201, created.json
    session_id = created.json["id"]
    for index in range(2):
        added = client.post(f"/sessions/{session_id}/participants", headers=headers,
                            json=participant_form(first_name=f"Personne{index}"))
        assert added.status_code == 201, added.json
    submitted = client.post(f"/sessions/{session_id}/submit", headers=headers,
                            json={"payment_method": "cheque", "billed_to": "organization"})
    assert submitted.status_code == 202, submitted.json
    invoice = {"invoice_id": "inv-77", "number": "2026-000077", "session_id": session_id}
    deliver(db, cards_envelope("billing.invoice_issued", {
        **invoice, "customer_user_id": person["user_id"], "email": "f@exemple.qc.ca", "name": "X", "total": "4.00",
        "balance": "4.00", "currency": "CAD", "payment_method": "cheque", "pdf_base64": "JVBERg=="}, "billing"))
    deliver(db, cards_envelope("billing.invoice_paid", invoice, "billing"))
    staff = tokens.headers("staff-1", ["cards_staff"])
    assert client.post(f"/sessions/{session_id}/ship", headers=staff).status_code == 200
    with db.reading() as session:
        rows = session.scalars(select(OutboxMessage.envelope)
                               .where(OutboxMessage.event_type == "cards.session_shipped")).all()
    [event] = [row for row in rows if row["payload"]["session_id"] == session_id]
    return {**event["payload"], "language": language}


@pytest.mark.parametrize("language, words", [
    ("fr", ["Activité : ", "Organisation : CISSS de la Montérégie-Centre (Hôpital Charles-Le Moyne, Longueuil)",
            "Fin de la formation : ", "Facture : 2026-000077", "Expédiées à :", "Service de santé et sécurité",
            "1000, rue Sherbrooke Ouest", "Montréal H2X 1Y4", "2 participants"]),
    ("en", ["Activity: ", "Organization: CISSS de la Montérégie-Centre (Hôpital Charles-Le Moyne, Longueuil)",
            "End of the training: ", "Invoice: 2026-000077", "Shipped to:", "Service de santé et sécurité",
            "2 participants"]),
])
def test_the_shipped_email_names_the_request_and_links_to_it(cards, db, smtp, handlers, mail_sender, tmp_path,
                                                             language, words):
    payload = _shipped_event(cards, language)
    handle(db, handlers, envelope("cards.session_shipped", payload))
    mail_sender.run_once()
    [message] = smtp.to("sst@exemple.qc.ca")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    end_date = format_date(payload["end_date"], language)  # "7 décembre 2026" / "December 7, 2026"
    assert "CISSS de la Montérégie-Centre" in str(message["Subject"]) and end_date in str(message["Subject"])
    for needle in (*words, end_date):
        assert needle in text, needle
    session_url = f"{BASE}/sessions/{payload['session_id']}"
    assert session_url in text and session_url in html_links(html)
    web = web_app(tmp_path)
    assert [check_landing(web, link, BASE, CARDS) for link in html_links(html) + text_links(text)
            if not link.startswith("mailto:")] == ["", ""]
