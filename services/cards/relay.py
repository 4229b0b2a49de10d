"""``python -m services.cards.relay``: publishes the cards outbox to the bus."""
from chassis.bus.runner import run_relay
from services.cards.config import load_config


def main() -> None:
    run_relay(load_config())


if __name__ == "__main__":
    main()
