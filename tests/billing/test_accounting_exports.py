"""The accountant's CSV exports over real PostgreSQL: invoices issued and voided by the real handlers of cards' events,
paid through the API (cheques, one of them over two invoices, a card through the sandbox), then placed in time; every
line is exact and the TOTAL lines equal the invoices' and payments' own sums to the cent."""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from chassis.periods import Period
from services.billing.db.models import Invoice, Payment
from tests.billing.conftest import trainer_headers
from tests.billing.support import feed, issue
from tests.billing.test_stats import CARD, staff_payment
from tests.csv_download import attachment_rows, csv_rows

pytestmark = pytest.mark.integration
PERIOD = "from=2024-01&to=2024-03"
ACTIVITY = "Principes de déplacement sécuritaire des bénéficiaires (PDSB)"


def issued_at(db, participants: int, moment: str, method: str = "cheque") -> Invoice:
    """An invoice of ``participants`` x 2.00 from the real handler, as if issued at ``moment`` (UTC)."""
    invoice = issue(db, participant_count=participants, payment_method=method)
    with db.transaction() as session:
        session.execute(update(Invoice).where(Invoice.id == invoice.id)
                        .values(issued_at=datetime.fromisoformat(moment).replace(tzinfo=UTC)))
    return invoice


def cancelled(db, invoice: Invoice) -> None:
    feed(db, "cards.session_cancelled", {"session_id": invoice.session_id, "cancelled_by": "staff-1"})



@pytest.fixture(scope="module")
def books(app, db, tokens):
    client, staff = app.test_client(), tokens.headers("staff-exports", ["cards_staff"])
    made = {"a": issued_at(db, 3, "2024-01-10T17:00:00"),          # 6.00, partly paid: open
            "b": issued_at(db, 5, "2024-02-01T03:00:00"),          # 10.00, still January 31 in Montréal
            "c": issued_at(db, 7, "2024-03-05T12:00:00", "credit_card"),
            "d": issued_at(db, 1, "2024-03-31T12:00:00"),
            "old": issued_at(db, 4, "2023-12-31T12:00:00")}        # before the period
    staff_payment(client, staff, made["a"], "cheque", "2.55", "2024-01-20")
    staff_payment(client, staff, made["b"], "cheque", "4.00", "2024-01-25")
    cancelled(db, made["b"])                                      # partly paid: void, 4.00 owed back
    cancelled(db, made["d"])                                      # nothing paid: void
    over_two = client.post("/payments", json={
        "method": "cheque", "amount": "9.00", "reference": "=1+1", "received_on": "2024-02-15",
        "allocations": [{"invoice_number": made["old"].number, "amount": "8.00"},
                        {"invoice_number": made["a"].number, "amount": "1.00"}]}, headers=staff)
    assert over_two.status_code == 201, over_two.json
    card = client.post(f"/invoices/{made['c'].id}/payments", json=CARD, headers={
        **trainer_headers(tokens, made["c"].owner_user_id), "Idempotency-Key": uuid.uuid4().hex})
    assert card.status_code == 201, card.json
    with db.transaction() as session:
        session.execute(update(Payment).where(Payment.id == card.json["id"]).values(received_on="2024-03-06"))
    made["cheque_over_two"] = over_two.json["id"]
    made["card"] = card.json["id"]
    return made


def test_invoices_of_the_period_line_by_line_and_their_total(client, staff_headers, books):
    response = client.get(f"/exports/invoices.csv?{PERIOD}", headers=staff_headers)
    header, *lines, total = attachment_rows(response, "invoices-2024-01-2024-03.csv")
    assert header == ["Facture", "Émise le", "Client", "Formateur", "Organisme", "Activité", "Mode de paiement",
                      "Statut", "Total", "Payé", "Solde", "À rembourser"]
    common = ["CISSS de Laval", "Claude Éthier", "CISSS de Laval", ACTIVITY]
    assert lines == [
        [books["a"].number, "2024-01-10", *common, "cheque", "open", "6.00", "3.55", "2.45", "0.00"],
        [books["b"].number, "2024-01-31", *common, "cheque", "void", "10.00", "4.00", "0.00", "4.00"],
        [books["c"].number, "2024-03-05", *common, "credit_card", "paid", "14.00", "14.00", "0.00", "0.00"],
        [books["d"].number, "2024-03-31", *common, "cheque", "void", "2.00", "0.00", "0.00", "0.00"]]
    assert total == ["TOTAL", "", "", "", "", "", "", "", "32.00", "21.55", "2.45", "4.00"]


def test_the_totals_equal_the_invoices_own_sums_to_the_cent(client, staff_headers, db, books):
    period = Period(date(2024, 1, 1), date(2024, 3, 1))
    with db.reading() as session:
        sums = session.execute(select(func.sum(Invoice.total), func.sum(Invoice.amount_paid), func.sum(Invoice.balance),
                                      func.sum(Invoice.refund_due)).where(period.contains(Invoice.issued_at))).one()
        received = session.scalar(select(func.sum(Payment.amount))
                                  .where(period.contains(Payment.received_on, dates=True)))
    *_lines, invoices_total = csv_rows(client.get(f"/exports/invoices.csv?{PERIOD}", headers=staff_headers))
    *payment_lines, payments_total = csv_rows(client.get(f"/exports/payments.csv?{PERIOD}", headers=staff_headers))
    assert [Decimal(value) for value in invoices_total[8:]] == list(sums)
    assert Decimal(payments_total[5]) == received == sum(Decimal(line[5]) for line in payment_lines[1:])


def test_payments_of_the_period_one_line_per_invoice_paid(client, staff_headers, books):
    response = client.get(f"/exports/payments.csv?{PERIOD}", headers=staff_headers)
    assert response.headers["Content-Disposition"] == 'attachment; filename="payments-2024-01-2024-03.csv"'
    header, *lines, total = csv_rows(response)
    assert header == ["Reçu le", "Mode de paiement", "Référence", "Carte (4 derniers chiffres)", "Facture", "Montant",
                      "Paiement"]
    assert [line[:6] for line in lines] == [
        ["2024-01-20", "cheque", lines[0][2], "", books["a"].number, "2.55"],
        ["2024-01-25", "cheque", lines[1][2], "", books["b"].number, "4.00"],
        ["2024-02-15", "cheque", "'=1+1", "", books["old"].number, "8.00"],  # a spreadsheet must not run it
        ["2024-02-15", "cheque", "'=1+1", "", books["a"].number, "1.00"],
        ["2024-03-06", "credit_card", "", "4242", books["c"].number, "14.00"]]
    assert lines[2][6] == lines[3][6] == books["cheque_over_two"] and lines[4][6] == books["card"]
    assert total == ["TOTAL", "", "", "", "", "29.55", ""]
    assert "4242 4242" not in response.get_data(as_text=True)  # the card's last 4 digits at most


def test_headers_in_english_values_unchanged(client, staff_headers, books):
    english = {**staff_headers, "Accept-Language": "en"}
    header, *lines, total = csv_rows(client.get(f"/exports/invoices.csv?{PERIOD}", headers=english))
    assert header == ["Invoice", "Issued on", "Customer", "Trainer", "Organization", "Activity", "Payment method",
                      "Status", "Total", "Paid", "Balance", "Refund due"]
    assert lines[0][6:] == ["cheque", "open", "6.00", "3.55", "2.45", "0.00"] and total[0] == "TOTAL"
    header, *_ = csv_rows(client.get(f"/exports/payments.csv?{PERIOD}", headers=english))
    assert header == ["Received on", "Payment method", "Reference", "Card (last 4 digits)", "Invoice", "Amount",
                      "Payment"]


def test_a_period_without_invoices_is_a_header_and_a_zero_total(client, staff_headers, books):
    assert csv_rows(client.get("/exports/invoices.csv?from=2022-01&to=2022-02", headers=staff_headers))[1:] == [
        ["TOTAL", "", "", "", "", "", "", "", "0.00", "0.00", "0.00", "0.00"]]


@pytest.mark.parametrize("query, field", [("from=2024-03&to=2024-01", "from"), ("to=2024-13", "to"),
                                          ("from=2020-01&to=2023-01", "to")])
def test_a_wrong_period_is_a_field_error(client, staff_headers, query, field):
    for name in ("invoices", "payments"):
        response = client.get(f"/exports/{name}.csv?{query}", headers=staff_headers)
        assert response.status_code == 422 and list(response.json["error"]["fields"]) == [field]


def test_only_cards_staff(client, tokens):
    for name in ("invoices", "payments"):
        assert client.get(f"/exports/{name}.csv").status_code == 401
        assert client.get(f"/exports/{name}.csv", headers=trainer_headers(tokens, "t-1")).status_code == 403
        assert client.get(f"/exports/{name}.csv",
                          headers=tokens.headers("p-1", ["productions_staff"])).status_code == 403


def test_the_exports_are_in_the_openapi_document(client):
    paths = client.get("/openapi.json").json["paths"]
    for name in ("invoices", "payments"):
        assert "text/csv" in paths[f"/exports/{name}.csv"]["get"]["responses"]["200"]["content"]
