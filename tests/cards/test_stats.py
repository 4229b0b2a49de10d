"""``GET /stats`` over real PostgreSQL: requests made, submitted, paid and shipped through the API and billing's
events (the real handlers), then placed in time; the figures are exact, by Montréal month, for staff only."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from chassis.periods import this_month
from services.cards.db.models import CardSession
from tests.cards.helpers import deliver, envelope, participant_form, session_form

pytestmark = pytest.mark.integration
INVOICE = {"customer_user_id": "u", "email": "f@exemple.qc.ca", "name": "X", "total": "6.00", "balance": "6.00",
           "currency": "CAD", "payment_method": "cheque", "pdf_base64": "JVBERg=="}


def request_for_cards(client, trainer, participants: int, activity: str = "pdsb") -> str:
    headers = trainer["headers"]
    session_id = client.post("/sessions", json=session_form(activity_code=activity), headers=headers).json["id"]
    for index in range(participants):
        person = participant_form(first_name=f"Personne{index}", last_name=f"Nom{index}")
        assert client.post(f"/sessions/{session_id}/participants", json=person, headers=headers).status_code == 201
    submitted = client.post(f"/sessions/{session_id}/submit", json={"payment_method": "cheque",
                                                                   "billed_to": "organization"}, headers=headers)
    assert submitted.status_code == 202
    return session_id


def billed(db, session_id: str, event_type: str) -> None:
    payload = {"invoice_id": f"inv-{session_id}", "number": "2024-000001", "session_id": session_id}
    deliver(db, envelope(event_type, {**INVOICE, **payload} if event_type.endswith("issued") else payload, "billing"))


def shipped(client, db, staff, session_id: str) -> None:
    billed(db, session_id, "billing.invoice_paid")
    assert client.post(f"/sessions/{session_id}/ship", headers=staff["headers"]).status_code == 200


def placed(db, session_id: str, submitted_at: datetime, shipped_at: datetime | None = None) -> None:
    """The request as if it had been submitted (and shipped) then: the figures are about the past."""
    values = {"submitted_at": submitted_at} | ({"shipped_at": shipped_at} if shipped_at else {})
    with db.transaction() as session:
        session.execute(update(CardSession).where(CardSession.id == session_id).values(**values))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture(scope="module")
def known_requests(app, db, tokens):
    """Six requests in January to March 2024 (UTC moments chosen around Montréal's month ends) and one in 2023."""
    from tests.cards.helpers import seed_trainer

    client, person = app.test_client(), seed_trainer(db)
    trainer = {"headers": tokens.headers(person["user_id"], ["trainer"])}
    staff = {"headers": tokens.headers("staff-stats", ["cards_staff"])}
    made = {}
    # January: 2 requests (3 + 2 cards), both shipped, 2 and 4 days after submission.
    made["jan_a"] = request_for_cards(client, trainer, 3)
    shipped(client, db, staff, made["jan_a"])
    placed(db, made["jan_a"], at("2024-01-10T15:00:00"), at("2024-01-12T15:00:00"))
    made["jan_b"] = request_for_cards(client, trainer, 2, activity="simdut")
    shipped(client, db, staff, made["jan_b"])
    placed(db, made["jan_b"], at("2024-01-20T15:00:00"), at("2024-01-24T15:00:00"))
    # 2024-02-01 03:00 UTC is still January 31 in Montréal (UTC-5): a January request, shipped 10 days later.
    made["jan_c"] = request_for_cards(client, trainer, 1)
    shipped(client, db, staff, made["jan_c"])
    placed(db, made["jan_c"], at("2024-02-01T03:00:00"), at("2024-02-11T03:00:00"))
    # March: one invoiced (4 cards), one cancelled (2 cards), one paid not shipped (5 cards, simdut).
    made["mar_invoiced"] = request_for_cards(client, trainer, 4)
    billed(db, made["mar_invoiced"], "billing.invoice_issued")
    placed(db, made["mar_invoiced"], at("2024-03-05T12:00:00"))
    made["mar_cancelled"] = request_for_cards(client, trainer, 2)
    assert client.post(f"/sessions/{made['mar_cancelled']}/cancel", json={}, headers=trainer["headers"]).status_code \
        == 200
    placed(db, made["mar_cancelled"], at("2024-03-06T12:00:00"))
    made["mar_paid"] = request_for_cards(client, trainer, 5, activity="simdut")
    billed(db, made["mar_paid"], "billing.invoice_paid")
    placed(db, made["mar_paid"], at("2024-03-31T12:00:00"))
    # Before the period: not counted.
    made["old"] = request_for_cards(client, trainer, 7)
    placed(db, made["old"], at("2023-12-31T12:00:00"))
    return made


def test_figures_of_a_known_period_are_exact(client, staff, known_requests):
    response = client.get("/stats?from=2024-01&to=2024-04", headers=staff["headers"])
    assert response.status_code == 200, response.json
    body = response.json
    assert body["period"] == {"from": "2024-01", "to": "2024-04",
                              "months": ["2024-01", "2024-02", "2024-03", "2024-04"]}
    assert body["totals"] == {"requests": 6, "cards": 17}
    assert body["by_month"] == [{"month": "2024-01", "requests": 3, "cards": 6},
                                {"month": "2024-02", "requests": 0, "cards": 0},
                                {"month": "2024-03", "requests": 3, "cards": 11},
                                {"month": "2024-04", "requests": 0, "cards": 0}]
    assert [(a["code"], a["requests"], a["cards"]) for a in body["by_activity"]] == [("pdsb", 4, 10),
                                                                                     ("simdut", 2, 7)]
    assert body["by_activity"][1]["label_en"] == "WHMIS 2015 — Workplace hazardous materials information system"
    assert [(s["status"], s["requests"]) for s in body["by_status"]] == [
        ("submitted", 0), ("invoiced", 1), ("paid", 1), ("shipped", 3), ("cancelled", 1)]
    assert body["by_status"][3]["label"] == "Expédiée"
    assert body["shipment"] == {"median_days": 4.0, "shipped": 3}


def test_labels_follow_the_callers_language(client, staff, known_requests):
    body = client.get("/stats?from=2024-03&to=2024-03", headers={**staff["headers"], "Accept-Language": "en"}).json
    assert [(s["status"], s["label"]) for s in body["by_status"] if s["requests"]] == [
        ("invoiced", "Invoiced"), ("paid", "Paid"), ("cancelled", "Cancelled")]
    assert body["shipment"] == {"median_days": None, "shipped": 0}


def test_a_period_with_nothing_has_every_month_at_zero(client, staff, known_requests):
    body = client.get("/stats?from=2022-11&to=2023-02", headers=staff["headers"]).json
    assert body["by_month"] == [{"month": m, "requests": 0, "cards": 0}
                                for m in ("2022-11", "2022-12", "2023-01", "2023-02")]
    assert body["by_activity"] == [] and body["totals"] == {"requests": 0, "cards": 0}
    assert all(s["requests"] == 0 for s in body["by_status"])
    assert body["shipment"] == {"median_days": None, "shipped": 0}


def test_without_a_period_the_last_twelve_months_including_this_one(client, staff, trainer):
    session_id = request_for_cards(client, trainer, 2)  # submitted now
    body = client.get("/stats", headers=staff["headers"]).json
    current = this_month().strftime("%Y-%m")
    assert len(body["period"]["months"]) == 12 and body["period"]["to"] == current
    assert body["by_month"][-1]["month"] == current and body["by_month"][-1]["requests"] >= 1
    only_to = client.get(f"/stats?to={current}", headers=staff["headers"]).json
    assert only_to["period"] == body["period"]
    assert session_id


@pytest.mark.parametrize("query, field", [
    ("from=2024-05&to=2024-04", "from"),
    ("from=2024-13", "from"),
    ("to=2024-4", "to"),
    ("from=1999-12&to=2000-01", "from"),
    ("from=2021-01&to=2024-01", "to"),   # 37 months
])
def test_a_wrong_period_is_a_field_error(client, staff, query, field):
    response = client.get(f"/stats?{query}", headers=staff["headers"])
    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_error"
    assert list(response.json["error"]["fields"]) == [field]


def test_thirty_six_months_is_the_longest_period(client, staff):
    response = client.get("/stats?from=2021-02&to=2024-01", headers=staff["headers"])
    assert response.status_code == 200 and len(response.json["by_month"]) == 36


def test_field_errors_in_english_too(client, staff):
    response = client.get("/stats?from=2024-05&to=2024-04", headers={**staff["headers"], "Accept-Language": "en"})
    assert response.json["error"]["fields"] == {"from": ["The first month cannot come after the last."]}


def test_only_cards_staff(client, tokens, trainer):
    assert client.get("/stats").status_code == 401
    assert client.get("/stats?from=nonsense").status_code == 401  # the token is checked before the query string
    assert client.get("/stats", headers=trainer["headers"]).status_code == 403
    for role in ("productions_staff", "member"):
        assert client.get("/stats", headers=tokens.headers("someone", [role])).status_code == 403
