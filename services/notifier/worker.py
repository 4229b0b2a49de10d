"""``python -m services.notifier.worker [--role all|consume|send]``: the notifier's consumer and delivery loops.

The consumer (chassis bus) turns events into pending emails and webhook deliveries inside its
transaction; the delivery loops send them, with retries and backoff, woken by the commits that staged them
(``chassis.bus.wakeup``: PostgreSQL NOTIFY, so they may run in another process).

Roles:
- ``all`` (default): the consumer, and both delivery loops as threads of the same process;
- ``consume``: the consumer only (run ``send`` processes beside it, or nothing is sent);
- ``send``: the delivery loops only (= ``python -m services.notifier.sender``); several may run, rows are
  claimed with ``FOR UPDATE SKIP LOCKED``.

SIGTERM / SIGINT: the consumer finishes its batch, then the loops finish their current send.
"""
from __future__ import annotations

import argparse

from prometheus_client import start_http_server

from chassis.bus.runner import run_worker, stop_on_signals
from chassis.bus.settings import BusSettings
from chassis.db import Database
from chassis.logging import configure_logging, get_logger
from services.notifier.config import NotifierSettings, load_config

# The consumer and the delivery loops are imported by the roles that run them: the consume process needs
# no SMTP or HTTP client (``requests``, ``smtplib``: about 5 MiB it would hold for nothing).
ROLES = ("all", "consume", "send")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.notifier.worker")
    parser.add_argument("--role", choices=ROLES, default="all",
                        help="all (default): consumer + delivery loops; consume: consumer only; send: loops only")
    role = parser.parse_args(argv).role
    config = load_config()
    configure_logging(config.log_level)
    settings = NotifierSettings.from_config(config)
    if role == "consume":
        from services.notifier.consumers import build_handlers

        run_worker(config, build_handlers(settings))
        return
    from services.notifier.operations.delivery_loops import DeliveryLoops

    db = Database(config.database_url)
    loops = DeliveryLoops(db, settings)
    try:
        if role == "all":
            from services.notifier.consumers import build_handlers

            loops.start()
            run_worker(config, build_handlers(settings))
        else:
            _run_senders(config, loops)
    finally:
        loops.stop()
        db.dispose()


def _run_senders(config, loops) -> None:
    """The delivery loops alone until SIGTERM / SIGINT; metrics on ``BUS_METRICS_PORT`` when set."""
    stop = stop_on_signals()
    metrics_port = BusSettings.from_config(config).metrics_port
    if metrics_port:
        start_http_server(metrics_port)
    log = get_logger("notifier", component="sender")
    loops.start()
    log.info("sender.started")
    while not stop.wait(1.0):
        pass
    log.info("sender.stopping")


if __name__ == "__main__":
    main()
