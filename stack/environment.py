"""Where an isolated or local stack puts things (``plan``: ports, databases, data folder, secrets) and
the environment each process gets: what docker-compose.yml sets (its ``x-*-env`` blocks)."""
from __future__ import annotations

import json
import os
import random
import socket
from dataclasses import dataclass, field
from pathlib import Path

from chassis.config import REPO_ROOT
from stack.process_table import API_SERVICES, ProcessSpec, api_command, local_processes, web_available

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432"
DEFAULT_BUS_URL = "amqp://guest:guest@127.0.0.1:5672//"
DEFAULT_EXCHANGE = "guichet.events"
DEFAULT_PORTS = {"gateway": 8080, "web": 8100, "auth": 8101, "cards": 8102, "billing": 8103,
                 "productions": 8104, "notifier": 8105}
# One gunicorn worker per API on one machine: the local stack is for one person or a test; compose and
# Kubernetes set WEB_CONCURRENCY for real traffic (docs/performance.md, memory).
DEFAULT_WEB_CONCURRENCY = 1
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
    secrets: dict[str, str]   # secret setting -> the file that holds it
    metrics_ports: dict[str, int] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['gateway']}"

    def readiness_url(self, service: str) -> str:
        """A service's own /readyz, on its port: the gateway does not let /readyz out (a 404 from outside)."""
        return f"http://127.0.0.1:{self.ports[service]}/readyz"


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
         web_concurrency: int = DEFAULT_WEB_CONCURRENCY, free_ports: bool = False) -> StackLayout:
    """Where everything goes; ``free_ports`` picks unused ports for an isolated copy (tests, benchmarks)."""
    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    if free_ports:
        ports = {name: free_port() for name in DEFAULT_PORTS}
        if port:
            ports["gateway"] = port
    else:
        ports = {**DEFAULT_PORTS, "gateway": port}
    names = [name for service in API_SERVICES for name in local_processes(service)]
    metrics = {name: free_port() for name in names} if free_ports else {}
    databases = {service: f"{pg_url.rstrip('/')}/{database_prefix}{service}" for service in (*API_SERVICES, "web")}
    return StackLayout(data_dir=data_dir, ports=ports, bus_url=bus_url, exchange=exchange,
                       web_concurrency=web_concurrency, database_urls=databases, secrets=local_secret_files(data_dir),
                       metrics_ports=metrics)


def local_secret_files(data_dir: Path) -> dict[str, str]:
    """The secret files the platform needs, made once per data folder, as compose mounts them: the processes
    get ``<NAME>_FILE`` (a variable set in this environment still wins, ``chassis.config.secret``)."""
    from cryptography.fernet import Fernet

    folder = Path(data_dir) / "secrets"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Values an older stack kept in one JSON file: the same keys keep its stored signing keys readable.
    legacy = Path(data_dir) / "local-secrets.json"
    earlier = json.loads(legacy.read_text()) if legacy.exists() else {}
    wanted = {"NOTIFIER_SECRET_KEY": lambda: Fernet.generate_key().decode(),
              "AUTH_KEY_PASSPHRASE": lambda: os.urandom(24).hex(),
              "PRODUCTIONS_KEY_PASSPHRASE": lambda: os.urandom(24).hex(),
              "WEB_SECRET_KEY": lambda: os.urandom(32).hex()}
    files = {}
    for name, make in wanted.items():
        path = folder / name.lower()
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(earlier.get(name) or make())
        files[name] = str(path)
    return files


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
                   AUTH_KEY_PASSPHRASE_FILE=layout.secrets["AUTH_KEY_PASSPHRASE"])
    elif service == "cards":
        env.update(CARDS_TRUSTED_PROXY_HOPS="1", CARDS_PUBLIC_BASE_URL=layout.base_url)
    elif service == "productions":
        # No PRODUCTIONS_SET_URL: the default, {PUBLIC_BASE_URL}/set-demo, is the platform's own demo page.
        env.update(PRODUCTIONS_KEY_PASSPHRASE_FILE=layout.secrets["PRODUCTIONS_KEY_PASSPHRASE"])
    elif service == "notifier":
        env.update(NOTIFIER_SECRET_KEY_FILE=layout.secrets["NOTIFIER_SECRET_KEY"],
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
            "WEB_SECRET_KEY_FILE": layout.secrets["WEB_SECRET_KEY"], "WEB_COOKIE_SECURE": "0"}


def run_environment(extra: dict[str, str]) -> dict[str, str]:
    """This process's environment minus what would point a child at another stack, plus ``extra``."""
    dropped = {"BUS_URL", "BUS_EXCHANGE", "BUS_METRICS_PORT", "PORT", "GUICHET_DATA_DIR"}
    # A database or broker password of another stack would complete this stack's URLs (with_password).
    credentials = ("_DATABASE_URL", "_DATABASE_PASSWORD", "_DATABASE_PASSWORD_FILE")
    dropped |= {"BUS_PASSWORD", "BUS_PASSWORD_FILE"}
    env = {name: value for name, value in os.environ.items()
           if not (name in dropped or name.endswith(credentials) or name.startswith("GATEWAY_"))}
    env["PYTHONPATH"] = str(REPO_ROOT)
    env.update(extra)
    return env


def process_specs(layout: StackLayout, gateway_command: list[str]) -> list[ProcessSpec]:
    """Every long-running process with its environment, in start order; the gateway last."""
    specs = []
    common = common_environment(layout)
    for service in API_SERVICES:
        env = {**common, **service_environment(service, layout)}
        specs.append(ProcessSpec(f"{service}-api", api_command(service),
                                 {**env, **GUNICORN_ENV, "PORT": str(layout.ports[service])}))
        for name, command in local_processes(service).items():
            extra = {"BUS_METRICS_PORT": str(layout.metrics_ports[name])} if name in layout.metrics_ports else {}
            specs.append(ProcessSpec(name, command, {**env, **extra}))
    if web_available():
        env = {**web_environment(layout), **GUNICORN_ENV, "PORT": str(layout.ports["web"])}
        specs.append(ProcessSpec("web", api_command("web"), env))
    specs.append(ProcessSpec("gateway", gateway_command, {}))
    return specs
