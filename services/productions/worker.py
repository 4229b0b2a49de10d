"""``python -m services.productions.worker``: consumes auth's user events into the read model."""
from __future__ import annotations

from chassis.bus.runner import run_worker
from services.productions.config import load_config
from services.productions.consumers import HANDLERS


def main() -> None:
    run_worker(load_config(), HANDLERS)


if __name__ == "__main__":
    main()
