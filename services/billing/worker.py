"""The billing worker: ``python -m services.billing.worker``.

Consumes ``cards.session_submitted`` / ``cards.session_cancelled`` from the billing queue. Run as
many as needed: they compete on one durable queue (prefetch: ``BUS_PREFETCH``); invoice numbers
stay gapless because each is taken under a row lock in the invoice's own transaction.
"""
from __future__ import annotations

from chassis.bus.runner import run_worker
from chassis.logging import configure_logging
from services.billing.config import load_config
from services.billing.consumers import HANDLERS
from services.billing.log_scrubbing import install_card_scrubbing


def main() -> None:
    config = load_config()
    configure_logging(config.log_level)
    install_card_scrubbing()
    run_worker(config, HANDLERS)


if __name__ == "__main__":
    main()
