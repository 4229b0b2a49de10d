"""What each benchmark needs on the machine, checked before anything starts.

A benchmark that found wrk missing half-way used to fail after minutes of set-up; ``python -m bench``
now says up front what is missing and how to get it, and runs nothing.
"""
from __future__ import annotations

import shutil
import socket
from urllib.parse import urlsplit

from bench.platform_stack import BUS_URL, PG_URL
from stack.gateway import nginx_binary

# Which tools each benchmark of ``bench.__main__.BENCHMARKS`` uses.
NEEDS: dict[str, tuple[str, ...]] = {
    "gateway": ("wrk", "nginx", "postgresql", "rabbitmq"),
    "pipeline": ("postgresql", "rabbitmq"),
    "end_to_end": ("nginx", "postgresql", "rabbitmq"),
    "scale_out": ("postgresql", "rabbitmq"),
    "memory": ("nginx", "postgresql", "rabbitmq"),
    "pipeline_cpu": ("postgresql", "rabbitmq"),
    "cpu_budget": ("nginx", "postgresql", "rabbitmq"),
    "dashboard": ("nginx", "postgresql", "rabbitmq"),
    "read_cpu": ("postgresql",),
    "steps_cpu": ("postgresql",),
}

HOW_TO_GET = {
    "wrk": "the Debian package wrk: apt-get install wrk",
    "nginx": "deploy/dev/ensure-infra.sh installs it (Debian package nginx)",
    "postgresql": f"a PostgreSQL server at {urlsplit(PG_URL).netloc} (deploy/dev/ensure-infra.sh starts it)",
    "rabbitmq": f"a RabbitMQ broker at {urlsplit(BUS_URL).hostname}:{urlsplit(BUS_URL).port or 5672} "
                "(deploy/dev/ensure-infra.sh starts it)",
}


def _listening(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def _present(tool: str) -> bool:
    if tool == "wrk":
        return shutil.which("wrk") is not None
    if tool == "nginx":
        return nginx_binary() is not None
    if tool == "postgresql":
        return _listening(PG_URL, 5432)
    return _listening(BUS_URL, 5672)


def missing(names: list[str]) -> list[str]:
    """One line per missing tool that the named benchmarks need: what it is and how to get it."""
    tools = dict.fromkeys(tool for name in names for tool in NEEDS.get(name, ()))
    return [f"{tool}: {HOW_TO_GET[tool]}" for tool in tools if not _present(tool)]
