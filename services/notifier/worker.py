"""``python -m services.notifier.worker``: the notifier's consumer plus its two delivery loops.

The consumer (chassis bus) turns events into pending emails and webhook deliveries inside its
transaction; the delivery loops (threads of this process) send them, with retries and backoff.
SIGTERM / SIGINT: the consumer finishes its message, then the loops finish their current send.
"""
from __future__ import annotations

from chassis.bus.runner import run_worker
from chassis.db import Database
from chassis.logging import configure_logging
from services.notifier.config import NotifierSettings, load_config
from services.notifier.consumers import build_handlers
from services.notifier.delivery.loops import DeliveryLoops


def main() -> None:
    config = load_config()
    configure_logging(config.log_level)
    settings = NotifierSettings.from_config(config)
    db = Database(config.database_url)
    loops = DeliveryLoops(db, settings)
    loops.start()
    try:
        run_worker(config, build_handlers(settings))
    finally:
        loops.stop()
        db.dispose()


if __name__ == "__main__":
    main()
