"""An SMTP server on loopback (aiosmtpd) that notes when each email arrives, for benchmark 3.

``with SmtpSink() as sink:`` listens on ``sink.port``; ``sink.arrivals`` maps each recipient to the
``time.monotonic()`` (one clock for every process of the machine) of the end of the DATA of the first
email addressed to it.

The server runs in a process of its own (``python -m bench.smtp_sink PORT``, one line per email on its
standard output), like a real mail server: inside the benchmark's process its asyncio thread would take
turns on one GIL with the threads that send the load, and every SMTP reply would wait for them.
"""
from __future__ import annotations

import subprocess
import sys
import threading
import time

from chassis.config import REPO_ROOT
from stack.local import free_port


class SmtpSink:
    def __init__(self):
        self.port = free_port()
        self.arrivals: dict[str, float] = {}
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._reader: threading.Thread | None = None

    def received(self, recipients) -> int:
        with self._lock:
            return sum(1 for recipient in recipients if recipient in self.arrivals)

    def __enter__(self) -> SmtpSink:
        self._process = subprocess.Popen([sys.executable, "-m", "bench.smtp_sink", str(self.port)],
                                         stdout=subprocess.PIPE, text=True, bufsize=1, cwd=REPO_ROOT)
        if self._process.stdout.readline().strip() != "ready":
            raise RuntimeError("the SMTP sink did not start")
        self._reader = threading.Thread(target=self._read, name="smtp-sink-reader", daemon=True)
        self._reader.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._process.terminate()
        self._process.wait(10)

    def _read(self) -> None:
        for line in self._process.stdout:
            at, *recipients = line.split()
            with self._lock:
                for recipient in recipients:
                    self.arrivals.setdefault(recipient.lower(), float(at))


class _Handler:
    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        now = time.monotonic()
        print(now, *envelope.rcpt_tos, flush=True)
        return "250 Message accepted"


def serve(port: int) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(_Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        threading.Event().wait()
    finally:
        controller.stop()


if __name__ == "__main__":
    serve(int(sys.argv[1]))
