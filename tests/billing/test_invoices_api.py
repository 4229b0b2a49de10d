"""GET /invoices, /invoices/{id}, /invoices/{id}/pdf: contract, authorization, PDF content."""
import pytest

from tests.billing.conftest import trainer_headers
from tests.billing.support import issue, pdf_text

pytestmark = pytest.mark.integration


def test_a_trainer_lists_only_their_own_invoices(client, tokens, db):
    mine = [issue(db, user_id="trainer-list-a") for _ in range(3)]
    issue(db, user_id="trainer-list-b")
    response = client.get("/invoices", headers=trainer_headers(tokens, "trainer-list-a"))
    assert response.status_code == 200
    body = response.json
    assert body["total"] == 3
    assert {item["id"] for item in body["items"]} == {invoice.id for invoice in mine}
    item = body["items"][0]
    assert set(item) >= {"id", "number", "session_id", "lines", "total", "currency", "billed_to", "payment_method",
                         "status", "balance"}
    assert item["lines"][0] == {"description": item["lines"][0]["description"], "quantity": 12,
                                "unit_price": "2.00", "amount": "24.00"}
    assert item["total"] == "24.00" and item["balance"] == "24.00" and item["status"] == "open"


def test_pagination_and_filters(client, tokens, db):
    for _ in range(3):
        issue(db, user_id="trainer-page")
    headers = trainer_headers(tokens, "trainer-page")
    page = client.get("/invoices?limit=2&offset=1", headers=headers).json
    assert page["total"] == 3 and len(page["items"]) == 2
    assert client.get("/invoices?status=paid", headers=headers).json == {"items": [], "total": 0}


def test_staff_see_every_invoice_and_filter_by_number(client, db, staff_headers):
    invoice = issue(db, user_id="trainer-staffview")
    found = client.get(f"/invoices?number={invoice.number}", headers=staff_headers).json
    assert [item["id"] for item in found["items"]] == [invoice.id]
    assert client.get(f"/invoices/{invoice.id}", headers=staff_headers).status_code == 200


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=abc", "offset=-1", "status=unpaid",
                                   "number=42", "refund_due=peut-etre"])
def test_bad_list_queries_are_422(client, tokens, query):
    response = client.get(f"/invoices?{query}", headers=trainer_headers(tokens, "t"))
    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_error" and response.json["error"]["fields"]


def test_someone_elses_invoice_is_404_everywhere(client, tokens, db):
    invoice = issue(db)
    intruder = trainer_headers(tokens, "intruder")
    for path in (f"/invoices/{invoice.id}", f"/invoices/{invoice.id}/pdf"):
        response = client.get(path, headers=intruder)
        assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    assert client.get("/invoices/" + "x" * 300, headers=intruder).status_code == 404


def test_tokens_and_roles(client, tokens, db):
    invoice = issue(db)
    assert client.get("/invoices").status_code == 401
    assert client.get("/invoices", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    assert client.get(f"/invoices/{invoice.id}/pdf").status_code == 401
    member = tokens.headers(invoice.owner_user_id, ["member"])
    assert client.get(f"/invoices/{invoice.id}", headers=member).status_code == 403


def test_invoice_detail_lists_its_payments(client, tokens, db, staff_headers):
    invoice = issue(db, participant_count=5)
    client.post(f"/invoices/{invoice.id}/payments", json={"method": "cheque", "amount": "3.00", "reference": "C-1"},
                headers=staff_headers)
    detail = client.get(f"/invoices/{invoice.id}", headers=trainer_headers(tokens, invoice.owner_user_id)).json
    assert detail["balance"] == "7.00" and detail["amount_paid"] == "3.00"
    assert [(p["method"], p["amount"], p["reference"]) for p in detail["payments"]] == [("cheque", "3.00", "C-1")]
    assert detail["billed_to"]["postal_code"] == "H7V 3Y7"


@pytest.mark.parametrize("method,expected", [
    ("cheque", ["inscrivez-y", "obligatoirement le numéro de facture"]),
    ("direct_deposit", ["Caisse Desjardins", "Institution 815", "Référence : "]),
    ("credit_card", ["Carte de crédit", "https://guichet.example.org/invoices/"]),
])
def test_pdf_parses_back_with_number_parties_lines_and_how_to_pay(client, tokens, db, method, expected):
    invoice = issue(db, participant_count=7, payment_method=method)
    response = client.get(f"/invoices/{invoice.id}/pdf", headers=trainer_headers(tokens, invoice.owner_user_id))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for needle in (invoice.number, "ASSTSAS", "CISSS de Laval", "1515, boulevard Chomedey", "14,00 $",
                   "Solde à payer", "2,00 $", *expected):
        assert needle in text, needle
    if method == "credit_card":
        assert f"/invoices/{invoice.id}" in text


def test_english_invoice_pdf(client, tokens, db):
    invoice = issue(db, payment_method="cheque", language="en")
    text = pdf_text(client.get(f"/invoices/{invoice.id}/pdf",
                               headers=trainer_headers(tokens, invoice.owner_user_id)).data)
    assert "INVOICE" in text and "Balance due" in text and f"invoice number {invoice.number}" in text


def test_openapi_documents_every_billing_endpoint(client):
    paths = client.get("/openapi.json").json["paths"]
    assert {"/invoices", "/invoices/{invoice_id}", "/invoices/{invoice_id}/pdf", "/invoices/{invoice_id}/payments",
            "/payments", "/payments/{payment_id}", "/audit"} <= set(paths)
    pay = paths["/invoices/{invoice_id}/payments"]["post"]
    assert {"201", "402"} <= set(pay["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in pay.get("parameters", []))
