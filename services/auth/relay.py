"""``python -m services.auth.relay``: publishes auth's outbox (sensitive rows are deleted once sent)."""
from services.auth.config import load_config


def main() -> None:
    from chassis.bus.runner import run_relay

    run_relay(load_config())


if __name__ == "__main__":
    main()
