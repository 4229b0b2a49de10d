"""``GET /stats`` over real PostgreSQL: invoices issued by the real handler of ``cards.session_submitted``, paid
through the API (cheques, deposits, a card through the sandbox), then placed in time; the figures are exact."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import update

from chassis.periods import montreal_midnight_utc, this_month
from services.billing.db.models import Invoice, Payment
from services.billing.operations.clock import montreal_today
from tests.billing.conftest import trainer_headers
from tests.billing.support import issue

pytestmark = pytest.mark.integration
CARD = {"method": "credit_card", "card": {"number": "4242 4242 4242 4242", "exp_month": 12, "exp_year": 2034,
                                          "cvc": "314", "holder": "Claude Éthier"}}


def issued_days_ago(db, participants: int, days: int) -> Invoice:
    """An invoice of ``participants`` x 2.00 issued at noon, ``days`` Montréal days before today."""
    invoice = issue(db, participant_count=participants)
    moment = montreal_midnight_utc(montreal_today() - timedelta(days=days)) + timedelta(hours=12)
    with db.transaction() as session:
        session.execute(update(Invoice).where(Invoice.id == invoice.id).values(issued_at=moment))
    return invoice


def staff_payment(client, staff_headers, invoice: Invoice, method: str, amount: str, received_on: str) -> None:
    body = {"method": method, "amount": amount, "reference": f"REF-{uuid.uuid4().hex[:6]}", "received_on": received_on}
    response = client.post(f"/invoices/{invoice.id}/payments", json=body, headers=staff_headers)
    assert response.status_code == 201, response.json


def card_payment(client, tokens, db, invoice: Invoice, received_on: date) -> None:
    headers = {**trainer_headers(tokens, invoice.owner_user_id), "Idempotency-Key": uuid.uuid4().hex}
    response = client.post(f"/invoices/{invoice.id}/payments", json=CARD, headers=headers)
    assert response.status_code == 201, response.json
    with db.transaction() as session:  # as if the card had been charged that day
        session.execute(update(Payment).where(Payment.id == response.json["id"]).values(received_on=received_on))


@pytest.fixture(scope="module")
def known_billing(app, db, tokens):
    client, staff = app.test_client(), tokens.headers("staff-stats", ["cards_staff"])
    # Open today: 0-30 days (6.00 issued 10 days ago; 10.00 issued 30 days ago, 4.00 of it paid), 31-60 (8.00),
    # 61-90 (12.00), over 90 (20.00).
    issued_days_ago(db, 3, 10)
    partly_paid = issued_days_ago(db, 5, 30)
    staff_payment(client, staff, partly_paid, "cheque", "4.00", "2024-01-15")
    issued_days_ago(db, 4, 31)
    issued_days_ago(db, 6, 75)
    issued_days_ago(db, 10, 200)
    # Paid in full, so not open: by card (14.00, March), by deposit (10.00, February 29), by two cheques
    # (3.00 on January 31, 5.00 on February 1), and one cheque before the period (2.00).
    card_payment(client, tokens, db, issued_days_ago(db, 7, 100), date(2024, 3, 31))
    staff_payment(client, staff, issued_days_ago(db, 5, 120), "direct_deposit", "10.00", "2024-02-29")
    twice = issued_days_ago(db, 4, 130)
    staff_payment(client, staff, twice, "cheque", "3.00", "2024-01-31")
    staff_payment(client, staff, twice, "cheque", "5.00", "2024-02-01")
    staff_payment(client, staff, issued_days_ago(db, 1, 140), "cheque", "2.00", "2023-12-31")


def methods(month: dict) -> list[tuple[str, int, str]]:
    return [(m["method"], m["payments"], m["amount"]) for m in month["methods"]]


def test_open_balances_by_age_and_payments_by_method_and_month(client, staff_headers, known_billing):
    response = client.get("/stats?from=2024-01&to=2024-03", headers=staff_headers)
    assert response.status_code == 200, response.json
    body = response.json
    assert body["period"] == {"from": "2024-01", "to": "2024-03", "months": ["2024-01", "2024-02", "2024-03"]}
    assert body["open_balance"] == {
        "as_of": montreal_today().isoformat(), "invoices": 5, "balance": "52.00",
        "by_age": [{"age": "0-30", "min_days": 0, "max_days": 30, "invoices": 2, "balance": "12.00"},
                   {"age": "31-60", "min_days": 31, "max_days": 60, "invoices": 1, "balance": "8.00"},
                   {"age": "61-90", "min_days": 61, "max_days": 90, "invoices": 1, "balance": "12.00"},
                   {"age": "over_90", "min_days": 91, "max_days": None, "invoices": 1, "balance": "20.00"}]}
    january, february, march = body["payments"]["by_month"]
    assert (january["month"], january["payments"], january["amount"]) == ("2024-01", 2, "7.00")
    assert methods(january) == [("credit_card", 0, "0.00"), ("cheque", 2, "7.00"), ("direct_deposit", 0, "0.00")]
    assert methods(february) == [("credit_card", 0, "0.00"), ("cheque", 1, "5.00"), ("direct_deposit", 1, "10.00")]
    assert methods(march) == [("credit_card", 1, "14.00"), ("cheque", 0, "0.00"), ("direct_deposit", 0, "0.00")]
    assert body["payments"]["by_method"] == [{"method": "credit_card", "payments": 1, "amount": "14.00"},
                                             {"method": "cheque", "payments": 3, "amount": "12.00"},
                                             {"method": "direct_deposit", "payments": 1, "amount": "10.00"}]


def test_a_period_without_payments_has_every_month_at_zero(client, staff_headers, known_billing):
    body = client.get("/stats?from=2022-01&to=2022-02", headers=staff_headers).json
    assert [(m["month"], m["payments"], m["amount"]) for m in body["payments"]["by_month"]] == [
        ("2022-01", 0, "0.00"), ("2022-02", 0, "0.00")]
    assert all(m["payments"] == 0 and m["amount"] == "0.00" for m in body["payments"]["by_method"])
    assert body["open_balance"]["balance"] == "52.00"  # balances are as of today, whatever the period


def test_default_period_is_the_last_twelve_months(client, staff_headers):
    body = client.get("/stats", headers=staff_headers).json
    assert body["period"]["to"] == this_month().strftime("%Y-%m") and len(body["period"]["months"]) == 12
    assert body["period"]["from"] == body["payments"]["by_month"][0]["month"]


@pytest.mark.parametrize("query, field", [("from=2024-03&to=2024-01", "from"), ("from=2024-00", "from"),
                                          ("to=mars", "to"), ("from=2020-01&to=2023-01", "to")])
def test_a_wrong_period_is_a_field_error(client, staff_headers, query, field):
    response = client.get(f"/stats?{query}", headers=staff_headers)
    assert response.status_code == 422 and list(response.json["error"]["fields"]) == [field]


def test_only_cards_staff(client, tokens):
    assert client.get("/stats").status_code == 401
    assert client.get("/stats", headers=trainer_headers(tokens, "t-1")).status_code == 403
    assert client.get("/stats", headers=tokens.headers("p-1", ["productions_staff"])).status_code == 403

