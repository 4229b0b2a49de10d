"""A card payment whose answer was lost is retried under the same Idempotency-Key (issue 17, item 12).

The web app runs in-process (Flask test client) and reaches the real platform through a lossy link: a
loopback HTTP relay that passes every request to the gateway, but for the first card payment, after the
gateway answered, hangs up without passing the answer on (the charge happened; the web never heard).
The trainer sends the same form again: billing must see the same key and replay its answer, not charge
a second time (before the fix, a new key went with every submit).
"""
from __future__ import annotations

import re
import threading
import time
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from services.web.app import create_app
from services.web.config import load_config
from tests.browser.test_web_pages import csrf_of, login
from tests.browser.trainer_scenes import Api

pytestmark = pytest.mark.browser
PAYMENT = re.compile(r"^/api/billing/invoices/[^/]+/payments$")


class LossyLink(ThreadingHTTPServer):
    """Relays HTTP to ``target``; drops the answer of the first card payment (it still reaches billing)."""

    daemon_threads = True

    def __init__(self, target: str):
        super().__init__(("127.0.0.1", 0), _Relay)
        self.target = target
        self.payment_keys: list[str] = []
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Relay(BaseHTTPRequestHandler):
    def _relay(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
        answer = requests.request(self.command, self.server.target + self.path, data=body, headers=headers,
                                  timeout=30, allow_redirects=False)
        if self.command == "POST" and PAYMENT.match(self.path):
            self.server.payment_keys.append(self.headers.get("Idempotency-Key", ""))
            if len(self.server.payment_keys) == 1:
                self.close_connection = True  # the answer is lost on the way back
                return
        self.send_response(answer.status_code)
        for name, value in answer.headers.items():
            if name.lower() not in ("transfer-encoding", "connection", "content-encoding", "content-length"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    do_GET = do_POST = do_PATCH = do_DELETE = _relay

    def log_message(self, *_args):
        pass


def open_card_invoice(platform) -> str:
    """A request of the demo trainer, submitted for card payment; returns its invoice id once billed."""
    api = Api(platform, "ethc123")
    reference = api.get("/api/cards/reference")
    created = api.post("/api/cards/sessions", {
        "organization_type": reference["organization_types"][0]["code"], "organization_name": "CISSS de Laval",
        "location": "Laval", "activity_code": reference["activities"][0]["code"],
        "end_date": (date.today() - timedelta(days=2)).isoformat(),
        "delivery": {"address": "1515, boul. Chomedey", "city": "Laval", "postal_code": "H7V 3Y7",
                     "attention": "Claude Éthier", "email": "claude.ethier@example.org"}})
    assert created.status_code == 201, created.text
    session_id = created.json()["id"]
    title = reference["titles"][0]["code"] if isinstance(reference["titles"][0], dict) else reference["titles"][0]
    for first in ("Anne", "Benoît", "Chloé"):
        added = api.post(f"/api/cards/sessions/{session_id}/participants", {
            "title": title, "first_name": first, "last_name": "Retry", "birth_date": "1985-03-04",
            "phone": "450 555-0100"})
        assert added.status_code == 201, added.text
    submitted = api.post(f"/api/cards/sessions/{session_id}/submit",
                         {"payment_method": "credit_card", "billed_to": "individual"})
    assert submitted.status_code == 202, submitted.text
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        invoice = api.get(f"/api/cards/sessions/{session_id}").get("invoice") or {}
        if invoice.get("id"):
            return invoice["id"]
        time.sleep(0.3)
    raise AssertionError("no invoice came")


def test_a_payment_retried_after_a_lost_answer_is_charged_once(platform, tmp_path):
    link = LossyLink(platform.base_url)
    web = create_app(load_config(api_base_url=link.base_url, database_url=f"sqlite:///{tmp_path / 'web.db'}",
                                 secret_key="test-secret-key-for-payment-retry"))
    invoice_id = open_card_invoice(platform)
    trainer = web.test_client()
    assert login(trainer, "ethc123", platform.password).status_code == 302

    def pay():
        token = csrf_of(trainer.get(f"/invoices/{invoice_id}").get_data(as_text=True))
        return trainer.post(f"/invoices/{invoice_id}", follow_redirects=True, data={
            "csrf_token": token, "card.holder": "Claude Ethier", "card.number": "4242 4242 4242 4242",
            "card.exp_month": "12", "card.exp_year": "2031", "card.cvc": "123"})

    first = pay()
    assert "Paiement accepté" not in first.get_data(as_text=True)        # the web never heard the answer
    second = pay()
    assert "Paiement accepté" in second.get_data(as_text=True), second.get_data(as_text=True)[:2000]

    assert len(link.payment_keys) == 2 and link.payment_keys[0] == link.payment_keys[1]
    staff = Api(platform, "staff@asstsas.demo")
    payments = staff.get("/api/billing/payments", method="credit_card", limit=100)["items"]
    assert len([p for p in payments if any(a["invoice_id"] == invoice_id for a in p["allocations"])]) == 1
    assert staff.get(f"/api/billing/invoices/{invoice_id}")["status"] == "paid"
