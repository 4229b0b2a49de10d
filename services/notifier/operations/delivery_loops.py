"""Running both delivery loops (email and webhooks) in background threads.

Used by ``worker.py``, and by the embedded stack next to its in-process bus::

    loops = DeliveryLoops(db, NotifierSettings.from_config(config)); loops.start(); ...; loops.stop()
"""
from __future__ import annotations

import threading
import time

from chassis.bus.wakeup import ring_here
from chassis.db import Database
from services.notifier.config import NotifierSettings
from services.notifier.domain.secret_box import SecretBox
from services.notifier.domain.wakeup_channels import MAIL_CHANNEL, WEBHOOK_CHANNEL
from services.notifier.operations.mail_delivery import MailSender
from services.notifier.operations.webhook_delivery import WebhookSender


class DeliveryLoops:
    def __init__(self, db: Database, settings: NotifierSettings, mail: MailSender | None = None,
                 webhooks: WebhookSender | None = None, wait_clock=time.monotonic):
        box = SecretBox(settings)
        self.mail = mail or MailSender(db, settings, box=box, wait_clock=wait_clock)
        self.webhooks = webhooks or WebhookSender(db, settings, box=box, wait_clock=wait_clock)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        self._stop.clear()
        for name, loop in (("notifier-mail", self.mail), ("notifier-webhooks", self.webhooks)):
            thread = threading.Thread(target=loop.run_forever, args=(self._stop,), name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 30.0) -> None:
        """Lets a send in progress finish (up to ``timeout``), then returns."""
        self._stop.set()
        ring_here(MAIL_CHANNEL)
        ring_here(WEBHOOK_CHANNEL)
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []
