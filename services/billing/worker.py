"""The billing worker: ``python -m services.billing.worker``.

Consumes ``cards.session_submitted`` / ``cards.session_cancelled`` from the billing queue. Run as
many as needed: they compete on one durable queue (prefetch: ``BUS_PREFETCH``, batches:
``BUS_CONSUMER_BATCH``); invoice numbers stay gapless because they are taken under the year
counter's row lock by the last statements of the transaction (``operations/numbering.py``), so
the workers hold that lock only briefly.
"""
from __future__ import annotations

from chassis.bus.runner import run_worker
from chassis.logging import configure_logging
from services.billing.config import load_config
from services.billing.consumers import HANDLERS
from services.billing.domain.log_scrubbing import install_card_scrubbing


def main() -> None:
    config = load_config()
    configure_logging(config.log_level)
    install_card_scrubbing()
    run_worker(config, HANDLERS)


if __name__ == "__main__":
    main()
