"""What users do during a scenario, over the services' real HTTP APIs.

A trainer creates card requests (one participant each, so $2.00) and submits them (payment by cheque);
cards staff record each cheque on its invoice once billing issued it. Like a real client, every call
is retried on a connection error or a 5xx (a 503 answers ``Retry-After``): payments carry an
``Idempotency-Key`` so a retried payment is never recorded twice, and a retried submission that
already went through answers 409, which counts as submitted.
"""
from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta

import requests

from tests.reliability.platform import DEMO_PASSWORD, Platform


class GaveUp(Exception):
    pass


@dataclass
class CallStats:
    """HTTP outcomes seen by the clients (503s during an outage, retries)."""
    statuses: Counter = field(default_factory=Counter)
    retries: int = 0
    retry_after: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, response: requests.Response | None, retried: bool) -> None:
        with self.lock:
            self.statuses["connection_error" if response is None else response.status_code] += 1
            if retried:
                self.retries += 1
            if response is not None and response.status_code == 503:
                self.retry_after[response.headers.get("Retry-After")] += 1


class ServiceClient:
    """Calls one service's API with a bearer token, retrying what a client should retry."""

    def __init__(self, base_url: str, token: str, stats: CallStats, give_up_after: float = 120.0):
        self.base_url = base_url
        self.token = token
        self.stats = stats
        self.give_up_after = give_up_after
        self._local = threading.local()

    @property
    def _http(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    def call(self, method: str, path: str, *, ok=(200, 201, 202), **kwargs) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        deadline = time.monotonic() + self.give_up_after
        pause = 0.2
        while True:
            response = None
            try:
                response = self._http.request(method, self.base_url + path, headers=headers, timeout=10, **kwargs)
            except requests.RequestException:
                pass
            retry = response is None or response.status_code >= 500
            self.stats.note(response, retried=retry)
            if not retry:
                if response.status_code not in ok:
                    raise AssertionError(f"{method} {path} -> {response.status_code} {response.text[:500]}")
                return response
            if time.monotonic() > deadline:
                raise GaveUp(f"{method} {path}: no answer for {self.give_up_after:.0f} s")
            wait = pause
            if response is not None and response.headers.get("Retry-After", "").isdigit():
                wait = min(float(response.headers["Retry-After"]), 2.0)
            time.sleep(wait)
            pause = min(pause * 2, 2.0)


def login(platform: Platform, login_name: str, password: str = DEMO_PASSWORD) -> str:
    deadline = time.monotonic() + 60
    while True:
        try:
            response = requests.post(f"{platform.url('auth')}/login", json={"login": login_name, "password": password},
                                     timeout=10)
            if response.status_code == 200:
                return response.json()["access_token"]
        except requests.RequestException:
            response = None
        if time.monotonic() > deadline:
            raise AssertionError(f"login {login_name}: {getattr(response, 'text', 'no answer')}")
        time.sleep(0.5)


def session_form(reference: dict, email: str) -> dict:
    types = [item["code"] for item in reference["organization_types"]]
    activities = [item["code"] for item in reference["activities"]]
    return {
        "organization_type": "etablissement_public" if "etablissement_public" in types else types[0],
        "organization_name": "CISSS de la Montérégie-Centre",
        "location": "Hôpital Charles-Le Moyne, Longueuil",
        "activity_code": "pdsb" if "pdsb" in activities else activities[0],
        "end_date": (date.today() - timedelta(days=3)).isoformat(),
        "delivery": {"address": "1000, rue Sherbrooke Ouest", "city": "Montréal", "postal_code": "H2X 1Y4",
                     "attention": "Service de santé et sécurité", "email": email},
    }


def participant(reference: dict) -> dict:
    titles = reference.get("titles") or ["mme"]
    title = titles[0]["code"] if isinstance(titles[0], dict) else titles[0]
    return {"title": title, "first_name": "Josée", "last_name": "Tremblay", "birth_date": "1985-04-12",
            "phone": "(514) 555-0199", "phone_ext": "12"}


class Workload:
    """Creates, submits and pays card requests; ``session_ids`` are this workload's requests."""

    def __init__(self, platform: Platform, label: str, threads: int = 6):
        self.platform = platform
        self.label = f"{label}-{uuid.uuid4().hex[:6]}"
        self.threads = threads
        self.stats = CallStats()
        self.cards = ServiceClient(platform.url("cards"), login(platform, "ethc123"), self.stats)
        self.billing = ServiceClient(platform.url("billing"), login(platform, "staff@asstsas.demo"), self.stats)
        self.reference = self.cards.call("GET", "/reference").json()
        self.session_ids: list[str] = []
        self.submitted: set[str] = set()
        self.paid: set[str] = set()
        self._lock = threading.Lock()

    def _map(self, function, items) -> list:
        with ThreadPoolExecutor(self.threads) as pool:
            return list(pool.map(function, items))

    # -- requests ------------------------------------------------------------------------------
    def create(self, count: int) -> list[str]:
        """``count`` new requests with one participant each (status ``new``: nothing on the bus yet)."""
        def one(index: int) -> str:
            email = f"rel.{self.label}.{index}@example.org"
            created = self.cards.call("POST", "/sessions", json=session_form(self.reference, email), ok=(201,))
            session_id = created.json()["id"]
            self.cards.call("POST", f"/sessions/{session_id}/participants", json=participant(self.reference),
                            ok=(201,))
            return session_id

        ids = self._map(one, range(count))
        self.session_ids.extend(ids)
        return ids

    def submit(self, session_id: str) -> None:
        self.cards.call("POST", f"/sessions/{session_id}/submit",
                        json={"payment_method": "cheque", "billed_to": "organization"}, ok=(202, 409))
        with self._lock:
            self.submitted.add(session_id)

    def submit_all(self, session_ids: list[str]) -> None:
        self._map(self.submit, session_ids)

    # -- payments ------------------------------------------------------------------------------
    def open_invoices(self) -> list[dict]:
        """Open invoices of this workload's requests (staff list, newest first, every page)."""
        mine, offset = set(self.session_ids), 0
        found = []
        while True:
            page = self.billing.call("GET", "/invoices", params={"status": "open", "limit": 100,
                                                                  "offset": offset}).json()
            found += [item for item in page["items"] if item["session_id"] in mine]
            offset += 100
            if offset >= page["total"]:
                return found

    def pay(self, invoice: dict) -> None:
        """Staff records the cheque; the key makes a retried call replay instead of paying twice."""
        self.billing.call("POST", f"/invoices/{invoice['id']}/payments", ok=(201, 409),
                          headers={"Idempotency-Key": f"cheque-{invoice['session_id']}"},
                          json={"method": "cheque", "amount": invoice["balance"],
                                "reference": f"CHQ-{invoice['number']}"})
        with self._lock:
            self.paid.add(invoice["session_id"])

    def pay_until_done(self, stop: threading.Event, timeout: float) -> None:
        """Pays invoices as billing issues them, until every request of the workload is paid."""
        deadline = time.monotonic() + timeout
        while not stop.is_set() and time.monotonic() < deadline:
            if len(self.paid) >= len(self.session_ids) and self.session_ids:
                return
            invoices = [invoice for invoice in self.open_invoices() if invoice["session_id"] not in self.paid]
            if invoices:
                self._map(self.pay, invoices)
            else:
                stop.wait(0.5)
