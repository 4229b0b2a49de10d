"""An isolated copy of the stack started from Python (tests, benchmarks): ``start()`` returns a
``LocalStack`` whose processes run under ``stack.supervisor`` (logs in ``<data_dir>/logs``, no restart:
a process that exits while starting fails the start with its log)."""
from __future__ import annotations

import os
import time
from contextlib import suppress
from pathlib import Path

from chassis.config import REPO_ROOT
from stack.databases import ensure_databases, ensure_demo_accounts, run_migrations
from stack.environment import (
    DEFAULT_BUS_URL,
    DEFAULT_EXCHANGE,
    DEFAULT_PG_URL,
    ProcessSpec,
    StackLayout,
    plan,
    process_specs,
    run_environment,
)
from stack.gateway import prepare_gateway
from stack.process_table import API_SERVICES, consumes, web_available
from stack.supervisor import Supervisor

DEFAULT_DEMO_PASSWORD = "Guichet-demo-2026"


def prepare(layout: StackLayout, *, fresh_databases: bool = False, gateway_settings: dict | None = None):
    """Databases, migrations and the gateway's files; returns the processes to run."""
    ensure_databases(layout, fresh=fresh_databases)
    run_migrations(layout)
    upstreams = {name: f"127.0.0.1:{layout.ports[name]}" for name in (*API_SERVICES, "web")}
    gateway = prepare_gateway(layout.data_dir / "gateway", upstreams, layout.ports["gateway"],
                              **(gateway_settings or {}))
    return process_specs(layout, gateway.command)


def queue_exists(bus_url: str, name: str) -> bool:
    from kombu import Connection

    try:
        with Connection(bus_url, connect_timeout=3) as connection:
            connection.channel().queue_declare(name, passive=True)
        return True
    except Exception:
        return False


def consumer_queues(layout: StackLayout) -> list[str]:
    """The dead-letter queue each consuming service's worker declares when it starts."""
    return [f"{layout.exchange}.{service}.dead" for service in API_SERVICES if consumes(service)]


class LocalStack:
    """Handle of a started copy: ``base_url``, ``layout``, ``processes``, ``logs`` folder, ``stop()``."""

    def __init__(self, layout: StackLayout, specs: list[ProcessSpec], demo_accounts: list[dict]):
        self.layout = layout
        self.specs = specs
        self.demo_accounts = demo_accounts
        self.logs = layout.data_dir / "logs"
        self.supervisor = Supervisor([(s.name, s.argv, run_environment(s.env)) for s in specs], cwd=REPO_ROOT,
                                     log_dir=self.logs, restart=False)

    @property
    def base_url(self) -> str:
        return self.layout.base_url

    @property
    def processes(self):
        return self.supervisor.processes

    def __enter__(self) -> LocalStack:
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()

    def launch(self) -> None:
        self.supervisor.start_all()

    def log_tail(self, name: str, chars: int = 3000) -> str:
        return self.supervisor.log_tail(name, chars)

    def exited(self) -> dict[str, int]:
        return self.supervisor.exited()

    def wait_ready(self, timeout: float = 120.0) -> None:
        """Until the gateway answers, every API is ready (on its own port) and every worker has declared its
        queues."""
        import requests

        deadline = time.monotonic() + timeout
        pending = [self.layout.readiness_url(service) for service in API_SERVICES] + [self.base_url + "/healthz"]
        if web_available():
            pending.append(self.base_url + "/")
        queues = consumer_queues(self.layout)
        while pending or queues:
            if self.exited():
                names = ", ".join(f"{name} (exit {code})" for name, code in self.exited().items())
                details = "\n".join(f"--- {name}\n{self.log_tail(name)}" for name in self.exited())
                raise RuntimeError(f"processes exited while starting: {names}\n{details}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"not ready after {timeout:.0f} s: {pending + queues}")
            for path in list(pending):
                with suppress(requests.RequestException):
                    if requests.get(path, timeout=2).status_code == 200:
                        pending.remove(path)
            queues = [name for name in queues if not queue_exists(self.layout.bus_url, name)]
            if pending or queues:
                time.sleep(0.3)

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM to each process group (graceful: workers finish their message), SIGKILL if still there."""
        self.supervisor.stop_timeout = timeout
        self.supervisor.stop_all()

    def delete_bus_objects(self) -> None:
        """Removes this copy's exchange and queues from RabbitMQ (isolated copies leave nothing behind)."""
        from kombu import Connection

        from chassis.bus.settings import BusSettings
        from chassis.bus.topology import dead_queue_name, retry_queue_name, service_queue_name, unroutable_queue_name

        exchange = self.layout.exchange
        names = [unroutable_queue_name(exchange)]
        for service in API_SERVICES:
            names += [service_queue_name(exchange, service), dead_queue_name(exchange, service)]
            names += [retry_queue_name(exchange, service, delay) for delay in BusSettings.from_env().retry_delays]
        with Connection(self.layout.bus_url, connect_timeout=5) as connection:
            channel = connection.channel()
            for name in names:
                with suppress(Exception):
                    channel.queue_delete(name)
                    channel = connection.channel()
            with suppress(Exception):
                channel.exchange_delete(exchange)


def start(data_dir: Path, *, port: int = 0, database_prefix: str = "guichet_e2e_",
          exchange: str = DEFAULT_EXCHANGE, fresh_databases: bool = True, demo_password: str | None = None,
          web_concurrency: int = 1, gateway_settings: dict | None = None, settings: dict | None = None,
          timeout: float = 150.0) -> LocalStack:
    """Starts an isolated copy (free ports, its own databases and exchange) and waits until it is ready.

    ``port=0`` picks a free gateway port; ``settings`` are environment variables given to every process
    (e.g. ``{"NOTIFIER_SMTP_HOST": ...}``), over the copy's own. The caller must ``stop()`` it (or use it
    as a context manager).
    """
    layout = plan(data_dir, port=port, database_prefix=database_prefix, exchange=exchange,
                  pg_url=os.environ.get("GUICHET_LOCAL_PG_URL", DEFAULT_PG_URL),
                  bus_url=os.environ.get("GUICHET_LOCAL_BUS_URL", DEFAULT_BUS_URL),
                  web_concurrency=web_concurrency, free_ports=True)
    specs = prepare(layout, fresh_databases=fresh_databases, gateway_settings=gateway_settings)
    for spec in specs:
        spec.env.update(settings or {})
    stack = LocalStack(layout, specs, [])
    try:
        stack.launch()
        stack.wait_ready(timeout)
        # After the workers declared their queues: the accounts' events then reach every consumer.
        stack.demo_accounts = ensure_demo_accounts(layout, demo_password or DEFAULT_DEMO_PASSWORD)
    except BaseException:
        stack.stop()
        with suppress(Exception):  # a copy that could not start leaves nothing on the bus either
            stack.delete_bus_objects()
        raise
    return stack
