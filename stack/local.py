"""The compose topology as plain processes on this machine: ``python -m stack.local``.

No Docker: the machine's PostgreSQL (one database per service, ``guichet_<svc>``) and RabbitMQ, each
service's API under gunicorn, its worker and relay where it has them (``stack.process_table``), the web
front end, and Debian's nginx as the gateway on ``PORT`` (default 8080), with the environment
docker-compose.yml sets. Migrations run first (the compose ``<svc>-migrate`` command), then
``stack.supervisor`` runs every process, prints its output, restarts one that crashes (with a growing
delay, as compose and Kubernetes do), and the demo accounts are created once the consumers listen;
Ctrl-C stops them all.

Tests and benchmarks start an isolated copy from Python and always stop it::

    from stack.local import start
    with start(tmp_path, database_prefix="guichet_e2e_", exchange=unique_exchange("e2e")) as stack:
        requests.get(stack.base_url + "/api/auth/healthz")

Settings of the CLI (environment): ``PORT`` (8080), ``GUICHET_LOCAL_DATA_DIR`` (``var/local``),
``GUICHET_LOCAL_PG_URL`` (``postgresql+psycopg://postgres@127.0.0.1:5432``), ``GUICHET_LOCAL_BUS_URL``
(``amqp://guest:guest@127.0.0.1:5672//``), ``GUICHET_LOCAL_DB_PREFIX`` (``guichet_``), ``BUS_EXCHANGE``
(``guichet.events``), ``WEB_CONCURRENCY`` (1 gunicorn worker per API), ``GUICHET_DEMO_PASSWORD``. The
services listen on 8100-8105. ``python -m stack.local --procfile`` prints the processes as a Procfile.
"""
from __future__ import annotations

import argparse
import os
import shlex
import sys
import threading
import time
from contextlib import suppress
from pathlib import Path

from chassis.config import REPO_ROOT
from stack.databases import ensure_databases, ensure_demo_accounts, run_migrations
from stack.environment import (
    DEFAULT_BUS_URL,
    DEFAULT_EXCHANGE,
    DEFAULT_PG_URL,
    DEFAULT_PORTS,
    DEFAULT_WEB_CONCURRENCY,
    GUNICORN_ENV,
    StackLayout,
    common_environment,
    free_port,
    plan,
    process_specs,
    run_environment,
    service_environment,
    web_environment,
)
from stack.gateway import prepare_gateway
from stack.process_table import (
    API_SERVICES,
    ProcessSpec,
    api_command,
    container_commands,
    local_processes,
    migrate_command,
    relay_command,
    service_workers,
    web_available,
    worker_command,
)
from stack.running import DEFAULT_DEMO_PASSWORD, LocalStack, consumer_queues, prepare, queue_exists, start

__all__ = ["API_SERVICES", "DEFAULT_PORTS", "GUNICORN_ENV", "LocalStack", "ProcessSpec", "StackLayout", "api_command",
           "common_environment", "container_commands", "ensure_databases", "ensure_demo_accounts", "free_port",
           "local_processes", "main", "migrate_command", "plan", "prepare", "process_specs", "relay_command",
           "run_migrations", "service_environment", "service_workers", "start", "web_available", "web_environment",
           "worker_command"]


def procfile(specs: list[ProcessSpec]) -> str:
    lines = []
    for spec in specs:
        env = " ".join(f"{name}={shlex.quote(value)}" for name, value in sorted(spec.env.items()))
        lines.append(f"{spec.name}: {env + ' ' if env else ''}{shlex.join(spec.argv)}")
    return "\n".join(lines) + "\n"


def _announce_when_ready(layout: StackLayout, password: str) -> None:
    """Once every API answers and every worker declared its queues: the demo accounts, then the banner."""
    import requests

    deadline = time.monotonic() + 180
    queues = consumer_queues(layout)
    while time.monotonic() < deadline:
        with suppress(requests.RequestException):
            if all(requests.get(layout.readiness_url(service), timeout=2).status_code == 200
                   for service in API_SERVICES) and all(queue_exists(layout.bus_url, name) for name in queues):
                break
        time.sleep(1)
    else:
        print(f"Guichet is not ready after 180 s: see the processes' output above ({layout.base_url})", flush=True)
        return
    accounts = ensure_demo_accounts(layout, password)
    lines = [f"Guichet (local processes) is running on {layout.base_url}/  (Ctrl-C to stop)",
             f"  API docs: {layout.base_url}/api/docs", "  Demo accounts:"]
    lines += [f"    {a['role']:<18} login: {a['login']:<28} ({a['email']})" for a in accounts]
    lines.append(f"  Password for all of them: {password}")
    print("\n".join(lines), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stack.local", description=__doc__.split("\n\n")[0])
    parser.add_argument("--procfile", action="store_true", help="print the processes as a Procfile and exit")
    args = parser.parse_args(argv)
    layout = plan(Path(os.environ.get("GUICHET_LOCAL_DATA_DIR", REPO_ROOT / "var" / "local")),
                  port=int(os.environ.get("PORT", DEFAULT_PORTS["gateway"])),
                  database_prefix=os.environ.get("GUICHET_LOCAL_DB_PREFIX", "guichet_"),
                  exchange=os.environ.get("BUS_EXCHANGE", DEFAULT_EXCHANGE),
                  pg_url=os.environ.get("GUICHET_LOCAL_PG_URL", DEFAULT_PG_URL),
                  bus_url=os.environ.get("GUICHET_LOCAL_BUS_URL", DEFAULT_BUS_URL),
                  web_concurrency=int(os.environ.get("WEB_CONCURRENCY", DEFAULT_WEB_CONCURRENCY)))
    if args.procfile:
        upstreams = {name: f"127.0.0.1:{layout.ports[name]}" for name in (*API_SERVICES, "web")}
        gateway = prepare_gateway(layout.data_dir / "gateway", upstreams, layout.ports["gateway"])
        print(procfile(process_specs(layout, gateway.command)), end="")
        return 0
    from stack.supervisor import Supervisor

    print(f"Preparing databases and migrations ({', '.join(layout.database_urls.values())}) ...", flush=True)
    specs = prepare(layout)
    password = os.environ.get("GUICHET_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
    supervisor = Supervisor([(spec.name, spec.argv, run_environment(spec.env)) for spec in specs], cwd=REPO_ROOT)
    threading.Thread(target=_announce_when_ready, args=(layout, password), daemon=True).start()
    return supervisor.run()


if __name__ == "__main__":
    sys.exit(main())
