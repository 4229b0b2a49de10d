"""The accountant's export of card requests over real PostgreSQL, checked against billing's invoices: requests made,
submitted and cancelled through the cards API; their events carried to billing's real handlers (invoices issued and
one voided) and billing's back to cards' (invoice numbers); then placed in time on both sides. Every line is exact,
each amount is its invoice's total, and the TOTAL equals billing's invoices export to the cent."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from chassis.bus.tables import OutboxMessage
from chassis.config import ServiceConfig
from chassis.db import Database
from services.billing.app import create_app as create_billing_app
from services.billing.consumers import HANDLERS as BILLING_HANDLERS
from services.billing.db.models import Invoice
from services.cards.consumers import HANDLERS as CARDS_HANDLERS
from services.cards.db.models import Activity, CardSession
from tests.billing.support import feed
from tests.cards.helpers import deliver, envelope, participant_form, seed_trainer, session_form
from tests.csv_download import attachment_rows, csv_rows
from tests.infra import migrated_database

pytestmark = pytest.mark.integration
PERIOD = "from=2024-01&to=2024-03"


@pytest.fixture(scope="module")
def billing(tokens):
    """Billing's API on its own database: the invoices the requests' events make."""
    url = migrated_database("billing", "billing_cards_request_exports")
    db = Database(url)
    config = ServiceConfig.from_env("billing", database_url=url, public_base_url="https://guichet.exemple.ca")
    yield {"db": db, "client": create_billing_app(config=config, db=db, token_verifier=tokens.verifier()).test_client()}
    db.dispose()


def carried(source: Database, handlers: dict, target) -> None:
    """Every event of ``source``'s outbox that ``handlers`` consume, handed to them in order (what the relay and
    the consumer do over RabbitMQ); ``target(event_type, payload)`` runs one."""
    with source.reading() as session:
        events = session.scalars(select(OutboxMessage.envelope).where(OutboxMessage.event_type.in_(handlers))
                                 .order_by(OutboxMessage.id)).all()
    for event in events:
        target(event["type"], event["payload"])


def request_for_cards(client, headers, participants: int, method: str = "cheque", activity: str = "pdsb") -> str:
    session_id = client.post("/sessions", json=session_form(activity_code=activity), headers=headers).json["id"]
    for index in range(participants):
        person = participant_form(first_name=f"Personne{index}", last_name=f"Nom{index}")
        assert client.post(f"/sessions/{session_id}/participants", json=person, headers=headers).status_code == 201
    submitted = client.post(f"/sessions/{session_id}/submit", json={"payment_method": method,
                                                                   "billed_to": "organization"}, headers=headers)
    assert submitted.status_code == 202, submitted.json
    return session_id


def placed(db, billing_db, session_id: str, moment: str) -> None:
    """The request submitted, and its invoice issued, at ``moment`` (UTC): the export is about the past."""
    at = datetime.fromisoformat(moment).replace(tzinfo=UTC)
    with db.transaction() as session:
        session.execute(update(CardSession).where(CardSession.id == session_id).values(submitted_at=at))
    with billing_db.transaction() as session:
        session.execute(update(Invoice).where(Invoice.session_id == session_id).values(issued_at=at))



@pytest.fixture(scope="module")
def known_requests(app, db, tokens, billing):
    client, person = app.test_client(), seed_trainer(db)
    headers = tokens.headers(person["user_id"], ["trainer"])
    made = {"jan": request_for_cards(client, headers, 3),
            "jan_31": request_for_cards(client, headers, 5, "credit_card", "simdut"),
            "cancelled": request_for_cards(client, headers, 2),
            "mar": request_for_cards(client, headers, 4),
            "old": request_for_cards(client, headers, 7)}
    assert client.post("/sessions", json=session_form(), headers=headers).status_code == 201  # never submitted
    carried(db, BILLING_HANDLERS, lambda kind, payload: feed(billing["db"], kind, payload))
    assert client.post(f"/sessions/{made['cancelled']}/cancel", json={}, headers=headers).status_code == 200
    carried(db, {"cards.session_cancelled": None}, lambda kind, payload: feed(billing["db"], kind, payload))
    carried(billing["db"], CARDS_HANDLERS, lambda kind, payload: deliver(db, envelope(kind, payload, "billing")))
    for key, moment in (("jan", "2024-01-10T15:00:00"), ("jan_31", "2024-02-01T03:00:00"),
                        ("cancelled", "2024-03-06T12:00:00"), ("mar", "2024-03-31T12:00:00"),
                        ("old", "2023-12-31T12:00:00")):
        placed(db, billing["db"], made[key], moment)
    with db.reading() as session:
        made["labels"] = {code: (label, label_en) for code, label, label_en in
                          session.execute(select(Activity.code, Activity.label, Activity.label_en))}
        made["numbers"] = dict(session.execute(select(CardSession.id, CardSession.invoice_number)).all())
    made["card_number"] = person["card_number"]
    return made


def test_requests_of_the_period_line_by_line_and_their_total(client, staff, known_requests):
    made = known_requests
    response = client.get(f"/exports/requests.csv?{PERIOD}", headers=staff["headers"])
    header, *lines, total = attachment_rows(response, "requests-2024-01-2024-03.csv")
    assert header == ["Demande", "Soumise le", "Formateur", "N° de carte", "Organisme", "Activité", "Statut",
                      "Cartes", "Prix unitaire", "Montant", "Mode de paiement", "Facture"]
    trainer = ["Claude Éthier", made["card_number"], "CISSS de la Montérégie-Centre"]
    pdsb, simdut = made["labels"]["pdsb"][0], made["labels"]["simdut"][0]

    def line(key, moment, activity, status, cards, amount, method="cheque"):
        return [made[key], moment, *trainer, activity, status, str(cards), "2.00", amount, method,
                made["numbers"][made[key]]]
    assert lines == [line("jan", "2024-01-10 10:00", pdsb, "invoiced", 3, "6.00"),
                     line("jan_31", "2024-01-31 22:00", simdut, "invoiced", 5, "10.00", "credit_card"),
                     line("cancelled", "2024-03-06 07:00", pdsb, "cancelled", 2, "4.00"),
                     line("mar", "2024-03-31 08:00", pdsb, "invoiced", 4, "8.00")]
    assert all(line[11] for line in lines)  # each request's invoice number came back from billing
    assert total == ["TOTAL", "", "", "", "", "", "", "14", "", "28.00", "", ""]


def test_each_amount_is_its_invoices_total_and_the_totals_agree_to_the_cent(client, staff, known_requests, billing):
    *lines, total = csv_rows(client.get(f"/exports/requests.csv?{PERIOD}", headers=staff["headers"]))[1:]
    invoices = csv_rows(billing["client"].get(f"/exports/invoices.csv?{PERIOD}", headers=staff["headers"]))[1:]
    *invoice_lines, invoices_total = invoices
    by_number = {invoice[0]: invoice for invoice in invoice_lines}
    assert {line[11]: line[9] for line in lines} == {number: invoice[8] for number, invoice in by_number.items()}
    assert by_number[known_requests["numbers"][known_requests["cancelled"]]][7] == "void"
    assert total[9] == invoices_total[8] == "28.00"


def test_headers_and_activities_in_english(client, staff, known_requests):
    response = client.get(f"/exports/requests.csv?{PERIOD}", headers={**staff["headers"], "Accept-Language": "en"})
    header, first, *_ = csv_rows(response)
    assert header == ["Request", "Submitted at", "Trainer", "Card number", "Organization", "Activity", "Status",
                      "Cards", "Unit price", "Amount", "Payment method", "Invoice"]
    assert first[5] == known_requests["labels"]["pdsb"][1] and first[6] == "invoiced"


@pytest.mark.parametrize("query, field", [("from=2024-03&to=2024-01", "from"), ("from=24-01", "from"),
                                          ("from=2020-01&to=2023-01", "to")])
def test_a_wrong_period_is_a_field_error(client, staff, query, field):
    response = client.get(f"/exports/requests.csv?{query}", headers=staff["headers"])
    assert response.status_code == 422 and list(response.json["error"]["fields"]) == [field]


def test_only_cards_staff(client, trainer, tokens):
    assert client.get("/exports/requests.csv").status_code == 401
    assert client.get("/exports/requests.csv", headers=trainer["headers"]).status_code == 403
    assert client.get("/exports/requests.csv", headers=tokens.headers("p", ["productions_staff"])).status_code == 403
    paths = client.get("/openapi.json").json["paths"]
    assert "text/csv" in paths["/exports/requests.csv"]["get"]["responses"]["200"]["content"]
