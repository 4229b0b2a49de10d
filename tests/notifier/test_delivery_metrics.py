"""The notifier's sender process counts its deliveries by channel and outcome on its metrics port (issue 21):
an invoice's email sent to a real SMTP sink, its webhook refused by a real receiver until given up."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from chassis.config import REPO_ROOT
from stack.environment import free_port
from tests.metric_names import unknown_series
from tests.notifier.receiver import WebhookReceiver
from tests.notifier.support import TEST_SECRET_KEY, envelope, handle, invoice, wait_for
from tests.notifier.test_webhooks import SECRET, subscribe

pytestmark = pytest.mark.integration


def scrape(port: int) -> list:
    try:
        body = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    except requests.ConnectionError:
        return []
    return [sample for family in text_string_to_metric_families(body) for sample in family.samples]


def total(samples, name: str, **labels: str) -> float:
    """The sum over the labels not given (an email's template, a webhook's event type)."""
    return sum(sample.value for sample in samples
               if sample.name == name and all(sample.labels.get(key) == want for key, want in labels.items()))


def test_the_sender_counts_a_sent_email_and_a_failed_webhook(db, smtp, client, cards_staff, handlers, tmp_path):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "GUICHET_DATA_DIR": str(tmp_path),
           "NOTIFIER_DATABASE_URL": db.url, "NOTIFIER_SMTP_HOST": "127.0.0.1", "NOTIFIER_SMTP_PORT": str(smtp.port),
           "NOTIFIER_SECRET_KEY": TEST_SECRET_KEY, "NOTIFIER_WEBHOOKS_ALLOW_PRIVATE": "1",
           "NOTIFIER_WEBHOOK_MAX_ATTEMPTS": "1", "NOTIFIER_POLL_SECONDS": "0.1", "BUS_METRICS_PORT": str(port)}
    with WebhookReceiver(SECRET, statuses=[503]) as receiver:
        subscribe(client, cards_staff, receiver.url, ["billing.invoice_issued"])
        handle(db, handlers, envelope("billing.invoice_issued", invoice()))  # stages an email and a webhook
        sender = subprocess.Popen([sys.executable, "-m", "services.notifier.sender"], cwd=REPO_ROOT, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            assert wait_for(lambda: smtp.received and len(receiver.requests) == 1, timeout=30, interval=0.1)

            def counted() -> bool:
                samples[:] = scrape(port)
                return total(samples, "guichet_notifier_webhook_attempts_total", outcome="failed") == 1 \
                    and total(samples, "guichet_notifier_email_attempts_total", outcome="sent") == len(smtp.received)
            samples: list = []
            assert wait_for(counted, timeout=15, interval=0.1), samples
        finally:
            sender.send_signal(signal.SIGTERM)
            output = sender.communicate(timeout=30)[0]
    assert samples, output[-3000:]
    assert total(samples, "guichet_notifier_email_attempts_total", outcome="sent", template="invoice_issued") >= 1
    assert total(samples, "guichet_notifier_email_attempts_total", outcome="failed") == 0
    assert total(samples, "guichet_notifier_webhook_attempts_total", outcome="failed",
                 event_type="billing.invoice_issued") == 1
    assert total(samples, "guichet_notifier_webhook_attempts_total", outcome="delivered") == 0
    assert not unknown_series(sample.name for sample in samples)
    assert sender.returncode == 0, output[-3000:]
