"""The webhook delivery loop: signed POSTs, retries with backoff, every attempt recorded.

Signed per Standard Webhooks (``domain/webhook_signing.py``). ``webhook-id``, the receiver's idempotency key,
is the event id: the same on every attempt and replay of a delivery, and also when one event reaches a
receiver through two of its webhooks (a delivery id would make one event look like two messages). Each attempt
is signed afresh at the sender's clock (``webhook-timestamp``), so a retry hours later is not refused as a
replay.
2xx is success; anything else, a timeout or a refused target (SSRF guard, re-checked before each attempt)
is a failed attempt. Redirects are not followed.
"""
from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import requests
from sqlalchemy import func, select

from chassis.bus.wakeup import Doorbell
from chassis.db import Database
from chassis.logging import get_logger
from services.notifier.config import NotifierSettings
from services.notifier.db.models import Webhook, WebhookAttempt, WebhookDelivery
from services.notifier.domain.addresses import TargetRefused, check_target
from services.notifier.domain.backoff import next_attempt_at
from services.notifier.domain.secret_box import SecretBox
from services.notifier.domain.wakeup_channels import WEBHOOK_CHANNEL
from services.notifier.domain.webhook_signing import signed_headers
from services.notifier.operations.claiming import claim_due
from services.notifier.operations.delivery_metrics import WEBHOOK_ATTEMPTS

log = get_logger("notifier", component="webhook_delivery")
USER_AGENT = "Guichet-Webhooks/1.0"


def _utcnow() -> datetime:
    return datetime.now(UTC)


class WebhookSender:
    def __init__(self, db: Database, settings: NotifierSettings, box: SecretBox | None = None, clock=_utcnow,
                 http: requests.Session | None = None, wait_clock=time.monotonic):
        self.db, self.settings = db, settings
        self.box = box or SecretBox(settings)
        self.clock = clock
        self.wait_clock = wait_clock  # measures the poll between passes; frozen in a test, only a commit wakes
        self.http = http or requests.Session()
        self.http.trust_env = False  # never through a proxy from the environment

    def run_once(self) -> int:
        ids = claim_due(self.db, WebhookDelivery, self.clock(), self.settings.batch_size,
                        lease=timedelta(seconds=self.settings.lease_seconds))
        for delivery_id in ids:
            self._deliver(delivery_id)
        return len(ids)

    def run_forever(self, stop_event: threading.Event) -> None:
        """Passes until ``stop_event``: at once while batches are full, else when a commit staged a delivery
        (``wakeup``) or, as a safety net (and for retries coming due), every ``POLL_SECONDS``."""
        bell = Doorbell(self.db, WEBHOOK_CHANNEL, log, log_prefix="delivery", clock=self.wait_clock)
        log.info("webhook_delivery_started", wakeup_channel=bell.channel)
        try:
            while not stop_event.is_set():
                try:
                    bell.arm()
                    busy = self.run_once()
                except Exception as error:
                    log.error("webhook_delivery_pass_failed", error=type(error).__name__, exc_info=error)
                    busy = 0
                if busy < self.settings.batch_size:
                    bell.wait(self.settings.poll_seconds, stop_event)
        finally:
            bell.close()

    def _deliver(self, delivery_id: str) -> None:
        with self.db.reading() as session:
            delivery = session.get(WebhookDelivery, delivery_id)
            hook = session.get(Webhook, delivery.webhook_id)
            url, deleted, sealed = hook.url, hook.deleted_at is not None, hook.secret_ciphertext
            body, event_id = delivery.body.encode(), delivery.event_id
        if deleted:
            self._finish(delivery_id, cancelled=True)
            return
        started = time.monotonic()
        status_code, error = None, None
        try:
            check_target(url, self.settings.webhooks_allow_private)
            headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
                       **signed_headers(self.box.open(sealed), event_id, self.clock(), body)}
            response = self.http.post(url, data=body, headers=headers, timeout=self.settings.webhook_timeout_seconds,
                                      allow_redirects=False)
            status_code = response.status_code
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}"
        except TargetRefused as refused:
            error = f"refused target: {refused}"
        except requests.RequestException as failure:
            error = f"{type(failure).__name__}: {failure}"[:1000]
        self._finish(delivery_id, status_code=status_code, error=error,
                     duration_ms=int((time.monotonic() - started) * 1000))

    def _finish(self, delivery_id: str, *, cancelled: bool = False, status_code: int | None = None,
                error: str | None = None, duration_ms: int = 0) -> None:
        now = self.clock()
        with self.db.transaction() as session:
            delivery = session.get(WebhookDelivery, delivery_id, with_for_update=True)
            if cancelled:
                delivery.status = "cancelled"
                return
            delivery.attempts += 1
            number = session.scalar(select(func.count()).where(WebhookAttempt.delivery_id == delivery_id)) + 1
            session.add(WebhookAttempt(delivery_id=delivery_id, number=number, attempted_at=now,
                                       status_code=status_code, error=error, duration_ms=duration_ms))
            if error is None:
                delivery.status, delivery.delivered_at, delivery.last_error = "delivered", now, None
                WEBHOOK_ATTEMPTS.labels(delivery.event_type, "delivered").inc()
                log.info("webhook_delivered", delivery_id=delivery_id, event_id=delivery.event_id,
                         attempts=delivery.attempts)
                return
            delivery.last_error = error
            if delivery.attempts >= self.settings.webhook_max_attempts:
                delivery.status = "failed"
                WEBHOOK_ATTEMPTS.labels(delivery.event_type, "failed").inc()
                log.error("webhook_failed", delivery_id=delivery_id, event_id=delivery.event_id,
                          attempts=delivery.attempts, error=error)
            else:
                delivery.status = "pending"
                WEBHOOK_ATTEMPTS.labels(delivery.event_type, "retry").inc()
                delivery.next_attempt_at = next_attempt_at(now, delivery.attempts, self.settings.retry_base_seconds,
                                                           self.settings.retry_max_seconds)
                log.warning("webhook_retry_scheduled", delivery_id=delivery_id, attempts=delivery.attempts,
                            error=error)
