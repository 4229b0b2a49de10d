"""``python -m stack.worker_and_relay <service>``: a service's worker and its outbox relay in one process.

``stack.local`` runs this for a service that both consumes and emits, where compose and Kubernetes run
two containers (``python -m services.<svc>.worker`` and ``.relay``, which scale apart). On one machine
two processes would each hold their own copy of Python, SQLAlchemy, kombu and psycopg (about 68 MiB RSS,
51 MiB PSS a relay at rest); the relay's loop beside the consumer adds about 1 MiB
(docs/performance.md, memory). The relay mostly waits on PostgreSQL and the broker, so it takes little
of the consumer's GIL.

The worker's own ``main()`` runs in the main thread (its settings, logging, signals and metrics as in its
container); the relay loop runs in a thread with its own database pool, and its metrics are served by the
worker's metrics endpoint. SIGTERM / SIGINT: the consumer finishes its batch, then the relay its run.
A crash of either restarts both: an exception out of the relay loop stops the consumer and the process
exits with code 1; an exception out of the worker ends the process; ``stack.supervisor`` then starts the
process again. ``GUICHET_LOCAL_SPLIT=1`` makes ``stack.local`` run them apart, as compose does
(for profiling one of them, ``bench.profile_end_to_end``).
"""
from __future__ import annotations

import importlib
import os
import signal
import sys
import threading
import time


def _run_relay(service: str, stop: threading.Event, failures: list[BaseException]) -> None:
    from chassis.bus.relay import OutboxRelay
    from chassis.bus.settings import BusSettings
    from chassis.db import Database
    from chassis.logging import get_logger

    try:
        config = importlib.import_module(f"services.{service}.config").load_config()
        db = Database(config.database_url)
        try:
            OutboxRelay(db, BusSettings.from_config(config), producer=config.service).run_forever(stop)
        finally:
            db.dispose()
    except BaseException as error:
        failures.append(error)
        get_logger(service, component="relay").exception("relay.crashed")
        _stop_the_worker()  # the consumer finishes its batch; the process exits with 1


def _stop_the_worker(patience: float = 30.0) -> None:
    """SIGTERM this process once the worker has set its handler: a relay that fails at once may get here
    first, and SIGTERM's default action would end the process without the consumer's clean stop and exit
    code. A worker that never sets one is ended with code 1 all the same."""
    deadline = time.monotonic() + patience
    while signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None) and time.monotonic() < deadline:
        time.sleep(0.05)
    if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
        os._exit(1)
    os.kill(os.getpid(), signal.SIGTERM)


def main(argv: list[str] | None = None) -> int:
    [service] = argv if argv is not None else sys.argv[1:]
    from chassis.logging import configure_logging

    configure_logging(importlib.import_module(f"services.{service}.config").load_config().log_level)
    worker = importlib.import_module(f"services.{service}.worker")
    stop, failures = threading.Event(), []
    relay = threading.Thread(target=_run_relay, args=(service, stop, failures), name="relay", daemon=True)
    relay.start()
    sys.argv = [f"services.{service}.worker"]  # the worker's own command line: no argument
    try:
        worker.main()
    finally:
        stop.set()
        relay.join(timeout=30)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
