"""``python -m services.auth.worker``: auth's consumer process (productions' house administrators, for the
directory)."""
from services.auth.config import load_config
from services.auth.consumers import HANDLERS


def main() -> None:
    from chassis.bus.runner import run_worker

    run_worker(load_config(), HANDLERS)


if __name__ == "__main__":
    main()
