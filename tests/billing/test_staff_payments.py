"""Cheques and direct deposits recorded by staff; audit; paid invoices on cancellation."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from services.billing.db.models import AuditEntry, Invoice, Payment
from tests.billing.conftest import trainer_headers
from tests.billing.support import feed, issue, outbox_events

pytestmark = pytest.mark.integration


def cheque(amount="10.00", reference="CHQ-1001", **extra) -> dict:
    return {"method": "cheque", "amount": amount, "reference": reference, **extra}


def balance_of(db, invoice) -> tuple[str, Decimal]:
    with db.reading() as session:
        row = session.get(Invoice, invoice.id)
        return row.status, row.balance


def test_partial_cheque_lowers_the_balance_then_the_rest_pays_the_invoice(client, db, staff_headers):
    invoice = issue(db, participant_count=12)  # 24.00
    first = client.post(f"/invoices/{invoice.id}/payments", json=cheque("10.00", received_on="2026-01-15"),
                        headers=staff_headers)
    assert first.status_code == 201, first.json
    assert first.json["allocations"][0]["balance"] == "14.00" and first.json["received_on"] == "2026-01-15"
    assert balance_of(db, invoice) == ("open", Decimal("14.00"))
    assert outbox_events(db, "billing.invoice_paid", invoice_id=invoice.id) == []
    second = client.post(f"/invoices/{invoice.id}/payments",
                         json={"method": "direct_deposit", "amount": "14.00", "reference": "DEP-77"},
                         headers=staff_headers)
    assert second.status_code == 201
    assert balance_of(db, invoice) == ("paid", Decimal("0.00"))
    received = outbox_events(db, "billing.payment_received", invoice_id=invoice.id)
    assert [(e["payload"]["method"], e["payload"]["amount"], e["payload"]["balance"]) for e in received] == [
        ("cheque", "10.00", "14.00"), ("direct_deposit", "14.00", "0.00")]
    assert len(outbox_events(db, "billing.invoice_paid", invoice_id=invoice.id)) == 1


def test_overpayment_is_refused_and_nothing_is_written(client, db, staff_headers):
    invoice = issue(db, participant_count=5)  # 10.00
    response = client.post(f"/invoices/{invoice.id}/payments", json=cheque("10.01"), headers=staff_headers)
    assert response.status_code == 422
    assert "amount" in response.json["error"]["fields"]
    assert balance_of(db, invoice) == ("open", Decimal("10.00"))
    assert outbox_events(db, "billing.payment_received", invoice_id=invoice.id) == []


def test_only_staff_record_cheques(client, tokens, db):
    invoice = issue(db)
    response = client.post(f"/invoices/{invoice.id}/payments", json=cheque(),
                           headers=trainer_headers(tokens, invoice.owner_user_id))
    assert response.status_code == 403
    assert client.post("/payments", json={"method": "cheque", "amount": "1.00", "reference": "x",
                                          "allocations": [{"invoice_number": invoice.number, "amount": "1.00"}]},
                       headers=trainer_headers(tokens, invoice.owner_user_id)).status_code == 403
    assert balance_of(db, invoice)[1] == invoice.total


@pytest.mark.parametrize("body,field", [
    ({"method": "cheque", "reference": "x"}, "amount"),
    ({"method": "cheque", "amount": "5.00"}, "reference"),
    (cheque(amount="-5.00"), "amount"),
    (cheque(amount="0"), "amount"),
    (cheque(amount="5.001"), "amount"),
    (cheque(amount="abc"), "amount"),
    (cheque(amount=True), "amount"),
    (cheque(reference="x" * 101), "reference"),
    (cheque(reference="   "), "reference"),
    (cheque(received_on="2999-01-01"), "received_on"),
    (cheque(received_on="hier"), "received_on"),
    ({**cheque(), "card": {"number": "4242424242424242"}}, "card"),
    ({**cheque(), "extra": 1}, "extra"),
])
def test_bad_staff_payment_input_is_422(client, db, staff_headers, body, field):
    invoice = issue(db)
    response = client.post(f"/invoices/{invoice.id}/payments", json=body, headers=staff_headers)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_one_cheque_settles_several_invoices(client, db, staff_headers):
    first, second, third = issue(db, participant_count=5), issue(db, participant_count=10), issue(db)
    response = client.post("/payments", json={
        "method": "cheque", "amount": "30.00", "reference": "CHQ-5521", "received_on": "2026-02-01",
        "allocations": [{"invoice_number": first.number, "amount": "10.00"},
                        {"invoice_number": second.number, "amount": "15.00"},
                        {"invoice_number": third.number, "amount": "5.00"}]}, headers=staff_headers)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["amount"] == "30.00" and body["recorded_by"] == "staff-1"
    assert [(a["number"], a["amount"], a["balance"], a["status"]) for a in body["allocations"]] == [
        (first.number, "10.00", "0.00", "paid"), (second.number, "15.00", "5.00", "open"),
        (third.number, "5.00", "19.00", "open")]
    assert len(outbox_events(db, "billing.payment_received", payment_id=body["id"])) == 3
    assert len(outbox_events(db, "billing.invoice_paid", invoice_id=first.id)) == 1
    assert outbox_events(db, "billing.invoice_paid", invoice_id=second.id) == []


@pytest.mark.parametrize("change,field", [
    (lambda body, numbers: body.update(amount="29.00"), "amount"),
    (lambda body, numbers: body["allocations"].append({"invoice_number": numbers[0], "amount": "1.00"}),
     "allocations"),
    (lambda body, numbers: body["allocations"][0].update(invoice_number="1999-999999"), "allocations.0.invoice_number"),
    (lambda body, numbers: body["allocations"][0].update(invoice_number="abc"), "allocations"),
    (lambda body, numbers: body["allocations"][1].update(amount="25.00"), "amount"),
    (lambda body, numbers: body.update(allocations=[]), "allocations"),
    (lambda body, numbers: body.update(method="credit_card"), "method"),
])
def test_split_cheque_errors_are_422_and_write_nothing(client, db, staff_headers, change, field):
    first, second = issue(db, participant_count=5), issue(db, participant_count=10)
    body = {"method": "cheque", "amount": "30.00", "reference": "CHQ-9",
            "allocations": [{"invoice_number": first.number, "amount": "10.00"},
                            {"invoice_number": second.number, "amount": "20.00"}]}
    change(body, [first.number, second.number])
    response = client.post("/payments", json=body, headers=staff_headers)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert balance_of(db, first)[1] == Decimal("10.00") and balance_of(db, second)[1] == Decimal("20.00")


def test_overpaying_one_invoice_of_a_split_cheque_writes_nothing(client, db, staff_headers):
    first, second = issue(db, participant_count=5), issue(db, participant_count=10)
    response = client.post("/payments", json={
        "method": "cheque", "amount": "31.00", "reference": "CHQ-10",
        "allocations": [{"invoice_number": first.number, "amount": "10.00"},
                        {"invoice_number": second.number, "amount": "21.00"}]}, headers=staff_headers)
    assert response.status_code == 422
    assert "allocations.1.amount" in response.json["error"]["fields"]
    assert balance_of(db, first) == ("open", Decimal("10.00"))


def test_audit_says_who_recorded_which_payment_and_when(client, tokens, db, staff_headers):
    invoice = issue(db)
    paid = client.post(f"/invoices/{invoice.id}/payments", json=cheque("4.00", "CHQ-AUDIT"),
                       headers=tokens.headers("staff-auditee", ["cards_staff"]))
    assert paid.status_code == 201
    response = client.get(f"/audit?invoice_id={invoice.id}", headers=staff_headers)
    assert response.status_code == 200
    [entry] = response.json["items"]
    assert entry["actor_id"] == "staff-auditee" and entry["action"] == "payment_recorded"
    assert entry["payment_id"] == paid.json["id"] and entry["details"]["reference"] == "CHQ-AUDIT"
    assert entry["occurred_at"].endswith("+00:00")
    by_actor = client.get("/audit?actor_id=staff-auditee", headers=staff_headers).json
    assert by_actor["total"] == 1
    assert client.get("/audit", headers=trainer_headers(tokens, invoice.owner_user_id)).status_code == 403
    assert client.get("/audit?limit=0", headers=staff_headers).status_code == 422


def test_split_payment_shows_in_the_audit_of_each_invoice(client, db, staff_headers):
    first, second = issue(db, participant_count=5), issue(db, participant_count=5)
    client.post("/payments", json={"method": "direct_deposit", "amount": "20.00", "reference": "DEP-2",
                                   "allocations": [{"invoice_number": first.number, "amount": "10.00"},
                                                   {"invoice_number": second.number, "amount": "10.00"}]},
                headers=staff_headers)
    for invoice in (first, second):
        items = client.get(f"/audit?invoice_id={invoice.id}", headers=staff_headers).json["items"]
        assert [item["details"]["reference"] for item in items] == ["DEP-2"]


def test_payments_list_and_detail_for_staff(client, tokens, db, staff_headers):
    invoice = issue(db)
    created = client.post(f"/invoices/{invoice.id}/payments", json=cheque("3.00", "CHQ-LIST"),
                          headers=staff_headers).json
    listed = client.get("/payments?reference=CHQ-LIST", headers=staff_headers).json
    assert listed["total"] == 1 and listed["items"][0]["id"] == created["id"]
    assert client.get(f"/payments/{created['id']}", headers=staff_headers).json["amount"] == "3.00"
    assert client.get("/payments/nope", headers=staff_headers).status_code == 404
    assert client.get("/payments", headers=trainer_headers(tokens, invoice.owner_user_id)).status_code == 403
    assert client.get("/payments?method=cash", headers=staff_headers).status_code == 422


def test_void_invoice_refuses_payments(client, db, staff_headers):
    invoice = issue(db)
    feed(db, "cards.session_cancelled", {"session_id": invoice.session_id, "cancelled_by": "staff-1"})
    response = client.post(f"/invoices/{invoice.id}/payments", json=cheque(), headers=staff_headers)
    assert response.status_code == 409 and response.json["error"]["code"] == "invoice_void"


def test_paid_invoice_is_not_voided_on_cancellation_but_recorded_for_refund(client, db, staff_headers):
    invoice = issue(db, participant_count=5)
    assert client.post(f"/invoices/{invoice.id}/payments", json=cheque("10.00"),
                       headers=staff_headers).status_code == 201
    feed(db, "cards.session_cancelled", {"session_id": invoice.session_id, "cancelled_by": "staff-1"})
    with db.reading() as session:
        row = session.get(Invoice, invoice.id)
        assert (row.status, row.refund_due) == ("paid", Decimal("10.00"))
        assert row.session_cancelled_at is not None
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.invoice_id == invoice.id)).all()
    assert "refund_due" in actions
    assert outbox_events(db, "billing.invoice_voided", invoice_id=invoice.id) == []
    owed = client.get("/invoices?refund_due=true", headers=staff_headers).json
    assert invoice.id in [item["id"] for item in owed["items"]]


def test_partly_paid_invoice_is_voided_and_the_paid_part_recorded_for_refund(client, db, staff_headers):
    invoice = issue(db, participant_count=5)
    client.post(f"/invoices/{invoice.id}/payments", json=cheque("4.00"), headers=staff_headers)
    feed(db, "cards.session_cancelled", {"session_id": invoice.session_id, "cancelled_by": "staff-1"})
    with db.reading() as session:
        row = session.get(Invoice, invoice.id)
        assert (row.status, row.balance, row.refund_due) == ("void", Decimal("0.00"), Decimal("4.00"))
        assert session.scalar(select(func.count()).select_from(Payment)
                              .where(Payment.allocations.any(invoice_id=invoice.id))) == 1
    [voided] = outbox_events(db, "billing.invoice_voided", invoice_id=invoice.id)
    assert voided["payload"]["refund_due"] == "4.00"


def test_staff_may_send_an_idempotency_key_too(client, db, staff_headers):
    invoice = issue(db, participant_count=5)
    headers = {**staff_headers, "Idempotency-Key": "staff-cheque-1"}
    first = client.post(f"/invoices/{invoice.id}/payments", json=cheque("4.00", "CHQ-IDEM"), headers=headers)
    again = client.post(f"/invoices/{invoice.id}/payments", json=cheque("4.00", "CHQ-IDEM"), headers=headers)
    assert first.status_code == again.status_code == 201 and again.json["id"] == first.json["id"]
    assert balance_of(db, invoice) == ("open", Decimal("6.00"))
    other = client.post(f"/invoices/{invoice.id}/payments", json=cheque("5.00", "CHQ-IDEM"), headers=headers)
    assert other.status_code == 409
