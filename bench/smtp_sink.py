"""An SMTP server on loopback (aiosmtpd) that notes when each email arrives, for benchmark 3.

``with SmtpSink() as sink:`` listens on ``sink.port``; ``sink.arrivals`` maps each recipient to the
``time.monotonic()`` of the end of the DATA of the first email addressed to it.
"""
from __future__ import annotations

import threading
import time

from aiosmtpd.controller import Controller

from stack.local import free_port


class SmtpSink:
    def __init__(self):
        self.port = free_port()
        self.arrivals: dict[str, float] = {}
        self.count = 0
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        now = time.monotonic()
        with self._lock:
            self.count += 1
            for recipient in envelope.rcpt_tos:
                self.arrivals.setdefault(recipient.lower(), now)
        return "250 Message accepted"

    def received(self, recipients) -> int:
        with self._lock:
            return sum(1 for recipient in recipients if recipient in self.arrivals)

    def __enter__(self) -> "SmtpSink":
        self._controller.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._controller.stop()
