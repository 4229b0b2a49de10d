"""The billing outbox relay: ``python -m services.billing.relay`` publishes committed events."""
from __future__ import annotations

from chassis.bus.runner import run_relay
from services.billing.config import load_config


def main() -> None:
    run_relay(load_config())


if __name__ == "__main__":
    main()
