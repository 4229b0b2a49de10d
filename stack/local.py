"""The compose topology as plain processes on this machine: ``python -m stack.local``.

No Docker: the machine's PostgreSQL (one database per service, ``guichet_<svc>``) and RabbitMQ, each
service's API under gunicorn, each worker and relay as its own process, the web front end, and
Debian's nginx as the gateway on ``PORT`` (default 8080), with the environment docker-compose.yml
sets. Migrations run first (the compose ``<svc>-migrate`` command), then the demo accounts are
created, then ``stack.supervisor`` runs every process, prints its output, restarts one that crashes
(with a growing delay, as compose and Kubernetes do); Ctrl-C stops them all.

Tests and benchmarks start an isolated copy from Python and always stop it::

    from stack.local import start
    with start(tmp_path, database_prefix="guichet_e2e_", exchange=unique_exchange("e2e")) as stack:
        requests.get(stack.base_url + "/api/auth/healthz")

Settings of the CLI (environment): ``PORT`` (8080), ``GUICHET_LOCAL_DATA_DIR`` (``var/local``),
``GUICHET_LOCAL_PG_URL`` (``postgresql+psycopg://postgres@127.0.0.1:5432``), ``GUICHET_LOCAL_BUS_URL``
(``amqp://guest:guest@127.0.0.1:5672//``), ``GUICHET_LOCAL_DB_PREFIX`` (``guichet_``), ``BUS_EXCHANGE``
(``guichet.events``), ``WEB_CONCURRENCY`` (2), ``GUICHET_DEMO_PASSWORD``. The services listen on 8100-8105. ``python -m stack.local --procfile`` prints the processes as a Procfile.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from chassis.config import REPO_ROOT
from stack.gateway import prepare_gateway

API_SERVICES = ("auth", "cards", "billing", "productions", "notifier")
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432"
DEFAULT_BUS_URL = "amqp://guest:guest@127.0.0.1:5672//"
DEFAULT_EXCHANGE = "guichet.events"
DEFAULT_DEMO_PASSWORD = "Guichet-demo-2026"
DEFAULT_PORTS = {"gateway": 8080, "web": 8100, "auth": 8101, "cards": 8102, "billing": 8103,
                 "productions": 8104, "notifier": 8105}


# -- the commands: the same argv as the containers of docker-compose.yml ---------------------------
def migrate_command(service: str) -> list[str]:
    """The ``<svc>-migrate`` container's command: the service's database to Alembic head."""
    return ["python", "-m", "chassis.migrations", service]


def api_command(service: str) -> list[str]:
    return ["gunicorn", "-c", f"services/{service}/gunicorn.conf.py", f"services.{service}.wsgi:app"]


def worker_command(service: str) -> list[str]:
    return ["python", "-m", f"services.{service}.worker"]


def relay_command(service: str) -> list[str]:
    return ["python", "-m", f"services.{service}.relay"]


# The notifier's consumer and its delivery loops run as two processes (``worker --role consume`` and
# ``sender``), as in docker-compose.yml: both are CPU-bound Python, so in one process they would take
# turns on one GIL and each email would wait for the other's work (docs/performance.md, benchmark 3).
SPLIT_WORKERS = {"notifier": (["python", "-m", "services.notifier.worker", "--role", "consume"],
                              {"notifier-sender": ["python", "-m", "services.notifier.sender"]})}


def service_workers(service: str) -> dict[str, list[str]]:
    """The background processes of a service, name -> command: its worker (or split workers) and relay."""
    if service in SPLIT_WORKERS:
        consumer, others = SPLIT_WORKERS[service]
        return {f"{service}-worker": consumer, **others, f"{service}-relay": relay_command(service)}
    return {f"{service}-worker": worker_command(service), f"{service}-relay": relay_command(service)}


def web_available() -> bool:
    return (REPO_ROOT / "services" / "web" / "wsgi.py").exists()


def container_commands() -> dict[str, list[str]]:
    """Every container of the compose topology that runs project code -> its command."""
    commands = {}
    for service in API_SERVICES:
        commands[f"{service}-migrate"] = migrate_command(service)
        commands[service] = api_command(service)
        commands.update(service_workers(service))
    commands["web"] = api_command("web")
    return commands


def _local_argv(command: list[str]) -> list[str]:
    """A container command run from this checkout: its virtualenv's interpreter and gunicorn."""
    program, *rest = command
    if program == "python":
        return [sys.executable, *rest]
    if program == "gunicorn":
        return [sys.executable, "-m", "gunicorn", *rest]
    return command


# -- the environment: what docker-compose.yml sets --------------------------------------------------
# gunicorn >= 25 opens a control socket in ~/.gunicorn: one per host, so several APIs on one machine
# (or a user without a home in a container) would fight over it. Not used here.
GUNICORN_ENV = {"GUNICORN_CMD_ARGS": "--no-control-socket"}

@dataclass(frozen=True)
class StackLayout:
    data_dir: Path
    ports: dict[str, int]
    database_urls: dict[str, str]
    bus_url: str
    exchange: str
    web_concurrency: int
    secrets: dict[str, str]
    metrics_ports: dict[str, int] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['gateway']}"


def common_environment(layout: StackLayout) -> dict[str, str]:
    return {
        "BUS_URL": layout.bus_url,
        "BUS_EXCHANGE": layout.exchange,
        "AUTH_JWKS_URL": f"http://127.0.0.1:{layout.ports['auth']}/.well-known/jwks.json",
        "TOKEN_ISSUER": "guichet-auth",
        "TOKEN_AUDIENCE": "guichet",
        "PUBLIC_BASE_URL": layout.base_url,
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        "MAX_CONTENT_LENGTH": "2097152",
        "GUICHET_DATA_DIR": str(layout.data_dir / "data"),
        "WEB_CONCURRENCY": str(layout.web_concurrency),
        "FORWARDED_ALLOW_IPS": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }


def service_environment(service: str, layout: StackLayout) -> dict[str, str]:
    """The variables one service's API, worker and relay get (the compose ``x-<svc>-env`` block)."""
    env = {f"{service.upper()}_DATABASE_URL": layout.database_urls[service],
           f"{service.upper()}_MAX_CONTENT_LENGTH": "2097152"}
    if service == "auth":
        env.update(AUTH_TRUSTED_PROXIES="127.0.0.1,::1",  # the gateway (nginx) runs on this machine
                   AUTH_KEY_PASSPHRASE=layout.secrets["AUTH_KEY_PASSPHRASE"])
    elif service == "cards":
        env.update(CARDS_TRUSTED_PROXY_HOPS="1", CARDS_PUBLIC_BASE_URL=layout.base_url)
    elif service == "productions":
        # No PRODUCTIONS_SET_URL: the default, {PUBLIC_BASE_URL}/set-demo, is the platform's own demo page.
        env.update(PRODUCTIONS_KEY_PASSPHRASE=layout.secrets["PRODUCTIONS_KEY_PASSPHRASE"])
    elif service == "notifier":
        env.update(NOTIFIER_SECRET_KEY=layout.secrets["NOTIFIER_SECRET_KEY"],
                   NOTIFIER_MAIL_OUTBOX_DIR=str(layout.data_dir / "mail-outbox"),
                   NOTIFIER_WEBHOOKS_ALLOW_PRIVATE="1", NOTIFIER_RETRY_BASE_SECONDS="5",
                   NOTIFIER_POLL_SECONDS="0.5")
    return env


def web_environment(layout: StackLayout) -> dict[str, str]:
    """The web front end's variables (the compose ``x-web-env`` block): it reads no chassis setting."""
    return {"PUBLIC_BASE_URL": layout.base_url, "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
            "GUICHET_DATA_DIR": str(layout.data_dir / "data"), "WEB_CONCURRENCY": str(layout.web_concurrency),
            "FORWARDED_ALLOW_IPS": "127.0.0.1", "PYTHONUNBUFFERED": "1",
            "WEB_API_BASE_URL": layout.base_url, "WEB_DATABASE_URL": layout.database_urls["web"],
            "WEB_SECRET_KEY": layout.secrets["WEB_SECRET_KEY"], "WEB_COOKIE_SECURE": "0"}


@dataclass
class ProcessSpec:
    name: str
    command: list[str]
    env: dict[str, str]

    @property
    def argv(self) -> list[str]:
        return _local_argv(self.command)


def process_specs(layout: StackLayout, gateway_command: list[str]) -> list[ProcessSpec]:
    """Every long-running process, in start order; the gateway last."""
    specs = []
    common = common_environment(layout)
    for service in API_SERVICES:
        env = {**common, **service_environment(service, layout)}
        specs.append(ProcessSpec(f"{service}-api", api_command(service), {**env, **GUNICORN_ENV,
                                                                          "PORT": str(layout.ports[service])}))
        for name, command in service_workers(service).items():
            extra = {"BUS_METRICS_PORT": str(layout.metrics_ports[name])} if name in layout.metrics_ports else {}
            specs.append(ProcessSpec(name, command, {**env, **extra}))
    if web_available():
        env = {**web_environment(layout), **GUNICORN_ENV, "PORT": str(layout.ports["web"])}
        specs.append(ProcessSpec("web", api_command("web"), env))
    specs.append(ProcessSpec("gateway", gateway_command, {}))
    return specs


# -- preparing: databases, secrets, migrations, demo accounts, nginx --------------------------------
_GIVEN_PORTS: set[int] = set()


def free_port() -> int:
    """A port nothing listens on, below the kernel's ephemeral range (32768 and up on Linux): a port the kernel
    hands out for ``bind(0)`` can be taken, before its process binds it, as the local end of one of the
    stack's own outgoing connections (PostgreSQL, RabbitMQ) while it starts. Never the same port twice."""
    while True:
        port = random.randint(20000, 32000)
        if port in _GIVEN_PORTS:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _GIVEN_PORTS.add(port)
        return port


def plan(data_dir: Path, *, port: int = DEFAULT_PORTS["gateway"], database_prefix: str = "guichet_",
         exchange: str = DEFAULT_EXCHANGE, pg_url: str = DEFAULT_PG_URL, bus_url: str = DEFAULT_BUS_URL,
         web_concurrency: int = 2, free_ports: bool = False) -> StackLayout:
    """Where everything goes; ``free_ports`` picks unused ports for an isolated copy (tests, benchmarks)."""
    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    if free_ports:
        ports = {name: free_port() for name in DEFAULT_PORTS}
        if port:
            ports["gateway"] = port
    else:
        ports = {**DEFAULT_PORTS, "gateway": port}
    names = [name for service in API_SERVICES for name in service_workers(service)]
    metrics = {name: free_port() for name in names} if free_ports else {}
    return StackLayout(
        data_dir=data_dir, ports=ports, bus_url=bus_url, exchange=exchange, web_concurrency=web_concurrency,
        database_urls={service: f"{pg_url.rstrip('/')}/{database_prefix}{service}" for service in (*API_SERVICES, "web")},
        secrets=_local_secrets(data_dir), metrics_ports=metrics)


def _local_secrets(data_dir: Path) -> dict[str, str]:
    """Keys the platform needs, made once per data folder (the environment wins when it sets them)."""
    from cryptography.fernet import Fernet

    path = data_dir / "local-secrets.json"
    stored = json.loads(path.read_text()) if path.exists() else {}
    wanted = {"NOTIFIER_SECRET_KEY": lambda: Fernet.generate_key().decode(),
              "AUTH_KEY_PASSPHRASE": lambda: os.urandom(24).hex(),
              "PRODUCTIONS_KEY_PASSPHRASE": lambda: os.urandom(24).hex(),
              "WEB_SECRET_KEY": lambda: os.urandom(32).hex()}
    changed = False
    for name, make in wanted.items():
        if name not in stored:
            stored[name], changed = make(), True
    if changed:
        path.write_text(json.dumps(stored, indent=2))
        path.chmod(0o600)
    return {name: os.environ.get(name) or stored[name] for name in wanted}


def ensure_databases(layout: StackLayout, fresh: bool = False) -> None:
    import psycopg

    for url in layout.database_urls.values():
        base, _, name = url.rpartition("/")
        admin = base.replace("postgresql+psycopg://", "postgresql://", 1) + "/postgres"
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
            if fresh:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            exists = connection.execute("select 1 from pg_database where datname = %s", (name,)).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{name}"')


def _run_environment(extra: dict[str, str]) -> dict[str, str]:
    dropped = {"BUS_URL", "BUS_EXCHANGE", "BUS_METRICS_PORT", "PORT", "GUICHET_DATA_DIR"}
    env = {name: value for name, value in os.environ.items()
           if not (name in dropped or name.endswith("_DATABASE_URL") or name.startswith("GATEWAY_"))}
    env["PYTHONPATH"] = str(REPO_ROOT)
    env.update(extra)
    return env


def run_migrations(layout: StackLayout) -> None:
    """The ``<svc>-migrate`` commands, in parallel; any failure stops the start with its output."""
    common = common_environment(layout)
    running = {}
    for service in API_SERVICES:
        env = _run_environment({**common, **service_environment(service, layout)})
        running[service] = subprocess.Popen(_local_argv(migrate_command(service)), cwd=REPO_ROOT, env=env,
                                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    failures = []
    for service, process in running.items():
        output, _ = process.communicate(timeout=180)
        if process.returncode != 0:
            failures.append(f"{service}: {output.decode(errors='replace')[-2000:]}")
    if failures:
        raise RuntimeError("migrations failed:\n" + "\n".join(failures))


def ensure_demo_accounts(layout: StackLayout, password: str) -> list[dict]:
    from chassis.db import Database
    from services.auth.operations.demo_accounts import ensure_demo_accounts as create

    db = Database(layout.database_urls["auth"])
    try:
        return create(db, password)
    finally:
        db.dispose()


def prepare(layout: StackLayout, *, fresh_databases: bool = False, gateway_settings: dict | None = None):
    """Databases, migrations and the gateway's files; returns the processes to run."""
    ensure_databases(layout, fresh=fresh_databases)
    run_migrations(layout)
    upstreams = {name: f"127.0.0.1:{layout.ports[name]}" for name in (*API_SERVICES, "web")}
    gateway = prepare_gateway(layout.data_dir / "gateway", upstreams, layout.ports["gateway"],
                              **(gateway_settings or {}))
    return process_specs(layout, gateway.command)


# -- running from Python (tests, benchmarks) ---------------------------------------------------------
class LocalStack:
    """Handle of a started copy: ``base_url``, ``layout``, ``logs`` folder, ``stop()``."""

    def __init__(self, layout: StackLayout, specs: list[ProcessSpec], demo_accounts: list[dict]):
        self.layout = layout
        self.specs = specs
        self.demo_accounts = demo_accounts
        self.logs = layout.data_dir / "logs"
        self.processes: dict[str, subprocess.Popen] = {}
        self._log_files = []

    @property
    def base_url(self) -> str:
        return self.layout.base_url

    def __enter__(self) -> "LocalStack":
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()

    def launch(self) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        for spec in self.specs:
            log = open(self.logs / f"{spec.name}.log", "ab")
            self._log_files.append(log)
            self.processes[spec.name] = subprocess.Popen(
                spec.argv, cwd=REPO_ROOT, env=_run_environment(spec.env), stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)

    def log_tail(self, name: str, chars: int = 3000) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def exited(self) -> dict[str, int]:
        return {name: process.returncode for name, process in self.processes.items()
                if process.poll() is not None}

    def wait_ready(self, timeout: float = 120.0) -> None:
        """Until the gateway answers, every API is ready and every worker has declared its queues."""
        import requests

        deadline = time.monotonic() + timeout
        pending = [f"/api/{service}/readyz" for service in API_SERVICES] + ["/healthz"]
        if web_available():
            pending.append("/")
        queues = [f"{self.layout.exchange}.{service}.dead" for service in API_SERVICES]
        while pending or queues:
            if self.exited():
                names = ", ".join(f"{name} (exit {code})" for name, code in self.exited().items())
                details = "\n".join(f"--- {name}\n{self.log_tail(name)}" for name in self.exited())
                raise RuntimeError(f"processes exited while starting: {names}\n{details}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"not ready after {timeout:.0f} s: {pending + queues}")
            for path in list(pending):
                with suppress(requests.RequestException):
                    if requests.get(self.base_url + path, timeout=2).status_code == 200:
                        pending.remove(path)
            queues = [name for name in queues if not _queue_exists(self.layout.bus_url, name)]
            if pending or queues:
                time.sleep(0.3)

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM to each process group (graceful: workers finish their message), SIGKILL if still there."""
        for process in self.processes.values():
            if process.poll() is None:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        for log in self._log_files:
            log.close()
        self._log_files = []

    def delete_bus_objects(self) -> None:
        """Removes this copy's exchange and queues from RabbitMQ (isolated copies leave nothing behind)."""
        from chassis.bus.settings import BusSettings
        from chassis.bus.topology import dead_queue_name, retry_queue_name, service_queue_name
        from chassis.bus.topology import unroutable_queue_name
        from kombu import Connection

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


def _queue_exists(bus_url: str, name: str) -> bool:
    from kombu import Connection

    try:
        with Connection(bus_url, connect_timeout=3) as connection:
            connection.channel().queue_declare(name, passive=True)
        return True
    except Exception:
        return False


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


# -- the command line ------------------------------------------------------------------
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
    queues = [f"{layout.exchange}.{service}.dead" for service in API_SERVICES]
    while time.monotonic() < deadline:
        with suppress(requests.RequestException):
            if all(requests.get(f"{layout.base_url}/api/{service}/readyz", timeout=2).status_code == 200
                   for service in API_SERVICES) and all(_queue_exists(layout.bus_url, name) for name in queues):
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
                  web_concurrency=int(os.environ.get("WEB_CONCURRENCY", "2")))
    if args.procfile:
        upstreams = {name: f"127.0.0.1:{layout.ports[name]}" for name in (*API_SERVICES, "web")}
        gateway = prepare_gateway(layout.data_dir / "gateway", upstreams, layout.ports["gateway"])
        print(procfile(process_specs(layout, gateway.command)), end="")
        return 0
    from stack.supervisor import Supervisor

    print(f"Preparing databases and migrations ({', '.join(layout.database_urls.values())}) ...", flush=True)
    specs = prepare(layout)
    password = os.environ.get("GUICHET_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
    supervisor = Supervisor([(spec.name, spec.argv, _run_environment(spec.env)) for spec in specs], cwd=REPO_ROOT)
    threading.Thread(target=_announce_when_ready, args=(layout, password), daemon=True).start()
    return supervisor.run()


if __name__ == "__main__":
    sys.exit(main())
