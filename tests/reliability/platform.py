"""The platform under test: the services' real processes on the private broker and clusters.

The same commands and environment as ``stack.local`` (``stack.process_table``: gunicorn per API, ``python -m
services.<svc>.worker`` / ``.relay``), minus what these scenarios do not use (nginx, the web front end,
productions, auth's worker, which consumes nothing here), so that the suite fits on 2 cores; the notifier's
worker runs its consumer and its delivery loops in one process (``--role all``). The APIs are called
directly on their ports (paths without ``/api/<svc>``).

The processes run under ``stack.supervisor`` without its restarts (the scenarios restart on purpose), each
in its own process group: ``kill(name)`` is a SIGKILL of that group, ``start(name)`` launches the same
command again, ``stop()`` ends every one of them (SIGTERM, then SIGKILL).
"""
from __future__ import annotations

import os
import time
from contextlib import suppress
from pathlib import Path

import requests

from chassis.config import REPO_ROOT
from stack.environment import (
    DEFAULT_PORTS,
    GUNICORN_ENV,
    StackLayout,
    common_environment,
    local_secret_files,
    service_environment,
)
from stack.process_table import ProcessSpec, api_command, relay_command, worker_command
from stack.supervisor import Supervisor

SERVICES = ("auth", "cards", "billing", "notifier")
PROCESSES = ("auth-api", "auth-relay", "cards-api", "cards-worker", "cards-relay",
             "billing-api", "billing-worker", "billing-relay", "notifier-worker")
CONSUMERS = ("cards", "billing", "notifier")
DEMO_PASSWORD = "Fiabilite-demo-2026"

# Faster than the production defaults so a scenario fits its time box; docs/reliability.md lists them.
TEST_ENVIRONMENT = {
    "BUS_RECONNECT_MAX_DELAY": "3",     # reconnection backoff cap (default 30 s)
    "BUS_RETRY_DELAYS": "1,2,5,10,20",  # handler retries (default 1,5,30,120,600 s)
    "BUS_RELAY_IDLE_SLEEP": "0.1",
    "NOTIFIER_RETRY_BASE_SECONDS": "2",
    "NOTIFIER_POLL_SECONDS": "0.3",
    "NOTIFIER_BATCH_SIZE": "20",
    "LOG_LEVEL": "INFO",
}


def _process_environment(spec_env: dict[str, str]) -> dict[str, str]:
    dropped = {"BUS_URL", "BUS_EXCHANGE", "BUS_METRICS_PORT", "PORT", "GUICHET_DATA_DIR", "SMTP_HOST"}
    env = {name: value for name, value in os.environ.items()
           if not (name in dropped or name.endswith("_DATABASE_URL") or name.startswith(("BUS_", "NOTIFIER_")))}
    env["PYTHONPATH"] = str(REPO_ROOT)
    env.update(spec_env)
    return env


class Platform:
    """``start_all()``, ``kill(name)``, ``start(name)``, ``stop()``; ``url(service)`` of each API."""

    def __init__(self, root: Path, database_urls: dict[str, str], bus_url: str, exchange: str,
                 web_concurrency: int = 2):
        from tests.reliability.private_infra import free_port

        self.root = Path(root)
        urls = {**database_urls, "productions": "postgresql+psycopg://unused.invalid/unused"}
        self.layout = StackLayout(data_dir=self.root, ports={name: free_port() for name in DEFAULT_PORTS},
                                  database_urls=urls, bus_url=bus_url, exchange=exchange,
                                  web_concurrency=web_concurrency,
                                  secrets=local_secret_files(self.root))
        self.specs = {name: self._spec(name) for name in PROCESSES}
        self.kills: list[str] = []
        self.logs = self.root / "logs"
        self.supervisor = Supervisor([(name, spec.argv, _process_environment(spec.env))
                                      for name, spec in self.specs.items()], cwd=REPO_ROOT, log_dir=self.logs,
                                     restart=False)

    def _spec(self, name: str) -> ProcessSpec:
        """The command and environment ``stack.local`` gives this process, plus ``TEST_ENVIRONMENT``."""
        service, kind = name.split("-")
        env = {**common_environment(self.layout), **service_environment(service, self.layout), **TEST_ENVIRONMENT}
        if kind == "api":
            return ProcessSpec(name, api_command(service),
                               {**env, **GUNICORN_ENV, "PORT": str(self.layout.ports[service])})
        return ProcessSpec(name, (worker_command if kind == "worker" else relay_command)(service), env)

    @property
    def mail_folder(self) -> Path:
        return self.root / "mail-outbox"

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.layout.ports[service]}"

    def migrate(self) -> None:
        from chassis.migrations import upgrade

        for service in SERVICES:
            upgrade(service, self.layout.database_urls[service])

    # -- processes ----------------------------------------------------------------------------
    @property
    def processes(self):
        return self.supervisor.processes

    def start(self, name: str) -> None:
        self.supervisor.start(name)

    def start_all(self, timeout: float = 120.0) -> None:
        self.supervisor.start_all()
        self.wait_ready(timeout)

    def kill(self, name: str) -> None:
        """SIGKILL of the process and its children (gunicorn's workers), as a crash would."""
        self.supervisor.kill(name)
        self.kills.append(name)

    def exited(self) -> dict[str, int]:
        return self.supervisor.exited()

    def wait_ready(self, timeout: float = 120.0) -> None:
        """Every API's /readyz is 200 and every consumer declared its queues."""
        from tests.reliability.bus_state import queue_exists

        deadline = time.monotonic() + timeout
        apis = [name.removesuffix("-api") for name in PROCESSES if name.endswith("-api")]
        queues = [f"{self.layout.exchange}.{service}.dead" for service in CONSUMERS]
        while apis or queues:
            if self.exited():
                raise RuntimeError(f"processes exited while starting: {self.exited()}\n"
                                   + "\n".join(f"--- {n}\n{self.log_tail(n)}" for n in self.exited()))
            if time.monotonic() > deadline:
                raise RuntimeError(f"not ready after {timeout:.0f} s: {apis + queues}")
            for service in list(apis):
                with suppress(requests.RequestException):
                    if requests.get(f"{self.url(service)}/readyz", timeout=2).status_code == 200:
                        apis.remove(service)
            queues = [name for name in queues if not queue_exists(self.layout.bus_url, name)]
            if apis or queues:
                time.sleep(0.3)

    def stop(self, timeout: float = 15.0) -> None:
        self.supervisor.stop_timeout = timeout
        self.supervisor.stop_all()

    def start_with_demo_accounts(self, timeout: float = 60.0) -> None:
        """Migrations, every process, then the demo accounts, once the consumers declared their queues; returns
        when cards has learned the demo trainer from auth's events."""
        from stack.local import ensure_demo_accounts

        self.migrate()
        self.start_all()
        ensure_demo_accounts(self.layout, DEMO_PASSWORD)
        deadline = time.monotonic() + timeout
        while not _trainer_known(self.layout.database_urls["cards"]):
            if time.monotonic() > deadline:
                raise RuntimeError("cards never learned the demo trainer from auth's events:\n"
                                   + self.log_tail("cards-worker"))
            time.sleep(0.3)

    def log_tail(self, name: str, chars: int = 3000) -> str:
        return self.supervisor.log_tail(name, chars)

    def log_count(self, name: str, needle: str) -> int:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace").count(needle) if path.exists() else 0


def _trainer_known(cards_url: str) -> bool:
    from sqlalchemy import create_engine, text

    engine = create_engine(cards_url)
    try:
        with engine.connect() as connection:
            count = connection.execute(text("select count(*) from trainers where card_number = 'ethc123-04'"))
            return bool(count.scalar())
    finally:
        engine.dispose()
