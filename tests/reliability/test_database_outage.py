"""Issue 9, reliability 3: billing's PostgreSQL stopped for 30 seconds (``RELIABILITY_OUTAGE_SECONDS``).

Billing has a cluster of its own here; cards, auth and the notifier keep theirs. Half the requests are
submitted before the outage and half during it, and staff keep trying to record cheques throughout.
While billing's database is away:
- billing's API answers 503 ``unavailable`` with ``Retry-After`` (never a 500, never a hang), and
  ``/readyz`` says the database is unavailable;
- billing's worker does not ack what it cannot apply (no dead letter): the broker keeps the events.
When the database is back, everything submitted is invoiced, paid and emailed once: lost 0, duplicated 0.
"""
from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
import requests

from tests.reliability.bus_state import queue_depth
from tests.reliability.conftest import scenario_timeout, setting
from tests.reliability.figures import report
from tests.reliability.outcome import published_events, wait_for_outcome
from tests.reliability.workload import Workload

pytestmark = [pytest.mark.reliability, pytest.mark.timeout(scenario_timeout())]


class OutageProbe(threading.Thread):
    """Calls billing's API every 0.25 s (a read and a payment) and tallies the answers."""

    def __init__(self, base_url: str, token: str):
        super().__init__(daemon=True, name="outage-probe")
        self.base_url, self.token = base_url, token
        self.answers: Counter = Counter()
        self.without_retry_after = 0
        self.slowest = 0.0
        self.stop_event = threading.Event()

    def _one(self, method: str, path: str, **kwargs) -> None:
        began = time.monotonic()
        try:
            response = requests.request(method, self.base_url + path, timeout=15,
                                        headers={"Authorization": f"Bearer {self.token}"}, **kwargs)
        except requests.RequestException as error:
            self.answers[f"{method} {path.split('/')[1]} {type(error).__name__}"] += 1
            return
        self.slowest = max(self.slowest, time.monotonic() - began)
        body = response.json()
        if path == "/readyz":
            code = f"database {body.get('checks', {}).get('database')}"
        else:
            code = body.get("error", {}).get("code") if response.status_code >= 400 else "ok"
        self.answers[f"{method} {path.split('/')[1]} {response.status_code} {code}"] += 1
        if path != "/readyz" and response.status_code == 503 and not response.headers.get("Retry-After", "").isdigit():
            self.without_retry_after += 1

    def run(self) -> None:
        while not self.stop_event.is_set():
            self._one("GET", "/invoices")
            self._one("POST", "/invoices/00000000-0000-0000-0000-000000000000/payments",
                      json={"method": "cheque", "amount": "2.00", "reference": "CHQ-PROBE"})
            self._one("GET", "/readyz")
            self.stop_event.wait(0.25)


def test_billing_database_stopped_answers_503_and_loses_nothing(private_platform):
    stack, platform = private_platform, private_platform.platform
    size = setting("OUTAGE_SESSIONS", 40)
    outage = setting("OUTAGE_SECONDS", 30)
    settle = setting("SETTLE_SECONDS", 240)
    billing_db = stack.cluster_of("billing")
    workload = Workload(platform, "outage", threads=setting("THREADS", 6))
    session_ids = workload.create(size)
    before, during = session_ids[: size // 2], session_ids[size // 2:]
    published_before = published_events(stack.database_urls)["cards"]
    worker_failures_before = platform.log_count("billing-worker", "consumer.failed")

    stop_paying = threading.Event()
    payer = threading.Thread(target=workload.pay_until_done, args=(stop_paying, settle + outage), daemon=True)
    began = time.monotonic()
    workload.submit_all(before)
    payer.start()
    time.sleep(1.0)  # some invoices issued and being paid when the database goes

    billing_db.stop("immediate")
    probe = OutageProbe(platform.url("billing"), workload.billing.token)
    probe.start()
    outage_began = time.monotonic()
    workload.submit_all(during)  # cards is up: these events wait for billing on the broker
    time.sleep(max(0.0, outage - (time.monotonic() - outage_began)))
    probe.stop_event.set()
    probe.join(timeout=30)
    billing_db.start()
    down_for = time.monotonic() - outage_began

    payer.join(timeout=settle + outage + 30)
    outcome, waited = wait_for_outcome(stack.database_urls, platform.mail_folder, session_ids, timeout=settle)
    stop_paying.set()
    elapsed = time.monotonic() - began
    dead = queue_depth(stack.rabbit.url, "guichet.events.billing.dead")
    worker_failures = platform.log_count("billing-worker", "consumer.failed") - worker_failures_before
    api_errors_500 = sum(count for answer, count in probe.answers.items() if " 500 " in answer)
    report("billing PostgreSQL stopped", requests=size, outage_seconds=round(down_for, 1),
           submitted_during_outage=len(during),
           published=published_events(stack.database_urls)["cards"] - published_before,
           probe_answers=dict(probe.answers), probe_slowest_seconds=round(probe.slowest, 2),
           client_503=workload.stats.statuses.get(503, 0), retry_after=dict(workload.stats.retry_after),
           worker_reconnects=worker_failures, dead_lettered=dead, lost=outcome.lost_total,
           duplicated=outcome.duplicated_total, seconds=round(elapsed, 1), settle_seconds=round(waited, 1))

    assert probe.answers, "the probe made no call during the outage"
    assert set(probe.answers) == {"GET invoices 503 unavailable", "POST invoices 503 unavailable",
                                  "GET readyz 503 database unavailable"}, probe.answers
    assert probe.without_retry_after == 0, f"{probe.without_retry_after} answers 503 without Retry-After"
    assert api_errors_500 == 0
    assert worker_failures >= 1, "billing's worker never noticed its database was away"
    assert dead == 0, f"{dead} events dead-lettered during the outage"
    assert outcome.complete, outcome.summary()
    assert outcome.duplicated_total == 0, outcome.summary()
    assert outcome.invoiced_once == outcome.paid_once == outcome.cards_paid == size, outcome.summary()
    assert outcome.invoice_emails_once == outcome.payment_emails_once == size, outcome.summary()
