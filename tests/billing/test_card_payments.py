"""Card payments through the sandbox provider: outcomes, the 5.00 minimum, Idempotency-Key."""
import threading
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from chassis.i18n import translate
from services.billing.db.models import Invoice, Payment
from services.billing.domain.payments.provider import DECLINE_MESSAGES
from tests.billing.conftest import trainer_headers
from tests.billing.support import issue, outbox_events

pytestmark = pytest.mark.integration

SUCCESS = "4242 4242 4242 4242"
DECLINES = {
    "4000 0000 0000 0002": "generic_decline",
    "4000 0000 0000 9995": "insufficient_funds",
    "4000 0000 0000 0069": "expired_card",
    "4000 0000 0000 0127": "incorrect_cvc",
    "4000 0000 0000 0119": "processing_error",
}


def card_body(number: str = SUCCESS, **card) -> dict:
    return {"method": "credit_card",
            "card": {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "314", "holder": "Claude Éthier",
                     **card}}


def pay(client, tokens, invoice, body=None, key=None, user_id=None):
    headers = {**trainer_headers(tokens, user_id or invoice.owner_user_id),
               "Idempotency-Key": key or uuid.uuid4().hex}
    return client.post(f"/invoices/{invoice.id}/payments", json=body or card_body(), headers=headers)


def payments_on(db, invoice) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(Payment)
                              .where(Payment.allocations.any(invoice_id=invoice.id)))


def test_success_number_pays_the_whole_balance(client, tokens, db):
    invoice = issue(db, participant_count=10, payment_method="credit_card")
    response = pay(client, tokens, invoice)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["method"] == "credit_card" and body["amount"] == "20.00" and body["currency"] == "CAD"
    assert body["card_brand"] == "visa" and body["card_last4"] == "4242"
    assert body["allocations"] == [{"invoice_id": invoice.id, "number": invoice.number, "amount": "20.00",
                                    "balance": "0.00", "status": "paid"}]
    with db.reading() as session:
        paid = session.get(Invoice, invoice.id)
        payment = session.get(Payment, body["id"])
    assert (paid.status, paid.balance) == ("paid", Decimal("0.00"))
    assert payment.provider == "sandbox" and payment.provider_charge_id.startswith("ch_sandbox_")
    [received] = outbox_events(db, "billing.payment_received", invoice_id=invoice.id)
    assert received["payload"]["amount"] == "20.00" and received["payload"]["balance"] == "0.00"
    assert len(outbox_events(db, "billing.invoice_paid", invoice_id=invoice.id)) == 1


@pytest.mark.parametrize("number,reason", sorted(DECLINES.items()))
def test_each_decline_number_gives_402_with_its_reason_and_charges_nothing(client, tokens, db, number, reason):
    invoice = issue(db, participant_count=5, payment_method="credit_card")
    response = pay(client, tokens, invoice, card_body(number))
    assert response.status_code == 402
    error = response.json["error"]
    assert error["code"] == "payment_declined" and error["reason"] == reason
    assert error["message"] == translate(DECLINE_MESSAGES[reason]) and "0000" not in error["message"]  # French
    assert payments_on(db, invoice) == 0
    with db.reading() as session:
        assert session.get(Invoice, invoice.id).status == "open"


def test_balance_under_five_dollars_cannot_be_paid_by_card(client, tokens, db):
    invoice = issue(db, participant_count=2, payment_method="credit_card")  # 4.00
    response = pay(client, tokens, invoice)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "balance_below_card_minimum"
    assert payments_on(db, invoice) == 0


def test_exactly_five_dollars_may_be_paid_by_card(client, tokens, db):
    invoice = issue(db, participant_count=3, payment_method="credit_card", total="6.00")
    assert pay(client, tokens, invoice).status_code == 201


@pytest.mark.parametrize("body,field", [
    (card_body("4242 4242 4242 4241"), "card"),
    (card_body(cvc="31"), "card"),
    (card_body(exp_month=13), "card"),
    (card_body(exp_month=1, exp_year=2020), "card"),
    (card_body(exp_month="12"), "card"),
    ({"method": "credit_card"}, "card"),
    ({**card_body(), "amount": "5.00"}, "amount"),
    ({**card_body(), "tip": 1}, "tip"),
    ({"method": "bitcoin"}, "method"),
    ({"method": "credit_card", "card": {"number": SUCCESS}}, "card"),
])
def test_bad_card_input_gives_422_with_field_errors_and_never_echoes_the_card(client, tokens, db, body, field):
    invoice = issue(db, payment_method="credit_card")
    response = pay(client, tokens, invoice, body)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]
    assert "4242" not in response.get_data(as_text=True)
    assert payments_on(db, invoice) == 0


def test_malformed_json_and_wrong_content_type_are_4xx(client, tokens, db):
    invoice = issue(db, payment_method="credit_card")
    headers = {**trainer_headers(tokens, invoice.owner_user_id), "Idempotency-Key": "k-malformed"}
    bad_json = client.post(f"/invoices/{invoice.id}/payments", data="{oops", headers=headers,
                           content_type="application/json")
    assert bad_json.status_code == 400
    form = client.post(f"/invoices/{invoice.id}/payments", data="method=credit_card", headers=headers,
                       content_type="application/x-www-form-urlencoded")
    assert form.status_code == 415


def test_card_payment_needs_an_idempotency_key(client, tokens, db):
    invoice = issue(db, payment_method="credit_card")
    response = client.post(f"/invoices/{invoice.id}/payments", json=card_body(),
                           headers=trainer_headers(tokens, invoice.owner_user_id))
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json["error"]["fields"]
    assert payments_on(db, invoice) == 0


def test_same_key_replays_the_first_response_and_charges_once(client, tokens, db):
    invoice = issue(db, payment_method="credit_card")
    first = pay(client, tokens, invoice, key="replay-1")
    second = pay(client, tokens, invoice, key="replay-1")
    assert first.status_code == second.status_code == 201
    assert second.json == first.json
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert payments_on(db, invoice) == 1


def test_a_decline_is_replayed_too(client, tokens, db):
    invoice = issue(db, payment_method="credit_card")
    first = pay(client, tokens, invoice, card_body("4000 0000 0000 9995"), key="declined-1")
    again = pay(client, tokens, invoice, card_body("4000 0000 0000 9995"), key="declined-1")
    assert first.status_code == again.status_code == 402
    assert again.json == first.json


def test_same_key_with_a_different_body_is_409(client, tokens, db):
    invoice = issue(db, payment_method="credit_card")
    assert pay(client, tokens, invoice, card_body("4000 0000 0000 0002"), key="reuse-1").status_code == 402
    response = pay(client, tokens, invoice, card_body(SUCCESS), key="reuse-1")
    assert response.status_code == 409
    assert payments_on(db, invoice) == 0


def test_keys_belong_to_their_owner(client, tokens, db):
    mine = issue(db, payment_method="credit_card")
    theirs = issue(db, payment_method="credit_card")
    assert pay(client, tokens, mine, key="shared-name").status_code == 201
    assert pay(client, tokens, theirs, key="shared-name").status_code == 201


def test_concurrent_identical_requests_charge_once(app, tokens, db):
    invoice = issue(db, payment_method="credit_card")
    results = []

    def attempt():
        with app.test_client() as client:
            response = pay(client, tokens, invoice, key="race-1")
            results.append((response.status_code, response.json))

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _ in results] == [201] * 6
    assert len({body["id"] for _, body in results}) == 1
    assert payments_on(db, invoice) == 1


def test_two_keys_racing_on_one_invoice_charge_once(app, tokens, db):
    invoice = issue(db, payment_method="credit_card")
    statuses = []

    def attempt(key):
        with app.test_client() as client:
            statuses.append(pay(client, tokens, invoice, key=key).status_code)

    threads = [threading.Thread(target=attempt, args=(f"k-{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 409, 409, 409]
    assert payments_on(db, invoice) == 1


def test_paid_invoice_refuses_another_card_payment(client, tokens, db):
    invoice = issue(db, payment_method="credit_card")
    assert pay(client, tokens, invoice).status_code == 201
    response = pay(client, tokens, invoice)
    assert response.status_code == 409 and response.json["error"]["code"] == "invoice_paid"


def test_someone_elses_invoice_is_404(client, tokens, db):
    invoice = issue(db, payment_method="credit_card")
    response = pay(client, tokens, invoice, user_id="intruder")
    assert response.status_code == 404
    assert payments_on(db, invoice) == 0


def test_unknown_invoice_is_404_and_no_token_is_401(client, tokens, db):
    invoice = issue(db, payment_method="credit_card")
    unknown = client.post("/invoices/does-not-exist/payments", json=card_body(),
                          headers={**trainer_headers(tokens, "u"), "Idempotency-Key": "x"})
    assert unknown.status_code == 404
    anonymous = client.post(f"/invoices/{invoice.id}/payments", json=card_body(), headers={"Idempotency-Key": "x"})
    assert anonymous.status_code == 401
