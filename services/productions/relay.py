"""``python -m services.productions.relay``: publishes the outbox of the productions database."""
from __future__ import annotations

from chassis.bus.runner import run_relay
from services.productions.config import load_config


def main() -> None:
    run_relay(load_config())


if __name__ == "__main__":
    main()
