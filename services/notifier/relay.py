"""``python -m services.notifier.relay``: the outbox relay (the notifier emits no event today)."""
from __future__ import annotations

from chassis.bus.runner import run_relay
from services.notifier.config import load_config


def main() -> None:
    run_relay(load_config())


if __name__ == "__main__":
    main()
