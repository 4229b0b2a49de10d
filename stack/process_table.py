"""The processes of the platform, derived from what each service has: the same commands as the containers
of docker-compose.yml and the Deployments of deploy/k8s (tests/deploy checks all three agree).

For each service: ``<svc>-migrate`` (Alembic to head, before anything else), ``<svc>`` (its API under
gunicorn), ``<svc>-worker`` only when its ``consumers.HANDLERS`` table has handlers, ``<svc>-relay`` only
when it emits events (it has an ``events.py``), and ``<svc>-sender`` when it has a ``sender.py`` (the
notifier's delivery loops: both are CPU-bound Python, so in the consumer's process they would take turns
on one GIL and each email would wait for the other's work; docs/performance.md, benchmark 3). No idle
process: a service that consumes nothing runs no worker, one that emits nothing runs no relay.

``stack.local`` runs the same, with fewer processes on one machine (``local_processes``): a service's
relay runs inside its worker's process (``stack.worker_and_relay``), and the notifier's delivery loops
inside its consumer's process (``worker --role all``, as tests/reliability and the embedded stack run it).
Each process saved is about 68 MiB RSS, 51 MiB PSS (docs/performance.md, memory); compose and Kubernetes
keep them apart so that each scales on its own. ``GUICHET_LOCAL_SPLIT=1`` runs every container's command
as its own process, as compose does (``bench.profile_end_to_end`` profiles them one by one).
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import cache

from chassis.config import REPO_ROOT
from stack.services import API_SERVICES, handlers

__all__ = ["API_SERVICES", "ProcessSpec", "api_command", "container_commands", "consumes", "emits",
           "local_argv", "local_processes", "migrate_command", "relay_command", "service_workers",
           "web_available", "worker_and_relay_command", "worker_command"]
SPLIT = "GUICHET_LOCAL_SPLIT"


def migrate_command(service: str) -> list[str]:
    """The ``<svc>-migrate`` container's command: the service's database to Alembic head."""
    return ["python", "-m", "chassis.migrations", service]


def api_command(service: str) -> list[str]:
    return ["gunicorn", "-c", f"services/{service}/gunicorn.conf.py", f"services.{service}.wsgi:app"]


def worker_command(service: str) -> list[str]:
    return ["python", "-m", f"services.{service}.worker"]


def relay_command(service: str) -> list[str]:
    return ["python", "-m", f"services.{service}.relay"]


def sender_command(service: str) -> list[str]:
    return ["python", "-m", f"services.{service}.sender"]


def _folder(service: str):
    return REPO_ROOT / "services" / service


@cache
def consumes(service: str) -> bool:
    """The service has handlers (its worker has something to consume)."""
    return (_folder(service) / "worker.py").exists() and bool(handlers(service))


def emits(service: str) -> bool:
    """The service records events (its relay has something to publish)."""
    return (_folder(service) / "events.py").exists() and (_folder(service) / "relay.py").exists()


def service_workers(service: str) -> dict[str, list[str]]:
    """The background processes of a service, name -> command, as the table above derives them."""
    commands = {}
    sends = (_folder(service) / "sender.py").exists()
    if consumes(service):
        commands[f"{service}-worker"] = worker_command(service) + (["--role", "consume"] if sends else [])
    if sends:
        commands[f"{service}-sender"] = sender_command(service)
    if emits(service):
        commands[f"{service}-relay"] = relay_command(service)
    return commands


def worker_and_relay_command(service: str) -> list[str]:
    return ["python", "-m", "stack.worker_and_relay", service]


def local_processes(service: str) -> dict[str, list[str]]:
    """``stack.local``'s background processes of a service: ``service_workers``, with the sender's loops and
    the relay run in the worker's process (named ``<svc>-worker``) where the service has them."""
    commands = service_workers(service)
    if os.environ.get(SPLIT) == "1":
        return commands
    worker, relay, sender = f"{service}-worker", f"{service}-relay", f"{service}-sender"
    if worker in commands and commands.pop(sender, None) is not None:
        commands[worker] = worker_command(service)  # --role all: the consumer and the delivery loops
    if commands.get(worker) == worker_command(service) and commands.pop(relay, None) is not None:
        commands[worker] = worker_and_relay_command(service)
    return commands


def web_available() -> bool:
    return (_folder("web") / "wsgi.py").exists()


def container_commands() -> dict[str, list[str]]:
    """Every container of the compose topology that runs project code -> its command."""
    commands = {}
    for service in API_SERVICES:
        commands[f"{service}-migrate"] = migrate_command(service)
        commands[service] = api_command(service)
        commands.update(service_workers(service))
    commands["web"] = api_command("web")
    return commands


def local_argv(command: list[str]) -> list[str]:
    """A container command run from this checkout: its virtualenv's interpreter and gunicorn."""
    program, *rest = command
    if program == "python":
        return [sys.executable, *rest]
    if program == "gunicorn":
        return [sys.executable, "-m", "gunicorn", *rest]
    return command


@dataclass
class ProcessSpec:
    name: str
    command: list[str]
    env: dict[str, str]

    @property
    def argv(self) -> list[str]:
        return local_argv(self.command)
