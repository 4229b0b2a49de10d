"""``python -m services.cards.worker``: consumes auth's and billing's events (see consumers/)."""
from chassis.bus.runner import run_worker
from services.cards.config import load_config
from services.cards.consumers import HANDLERS


def main() -> None:
    run_worker(load_config(), HANDLERS)


if __name__ == "__main__":
    main()
