"""Is the broker there? Used by ``/readyz``."""
from __future__ import annotations

from kombu import Connection


def broker_check(bus_url: str, timeout: float = 2.0):
    def check() -> None:
        if bus_url.startswith("memory://"):
            return
        with Connection(bus_url, connect_timeout=timeout) as connection:
            connection.ensure_connection(max_retries=1, timeout=timeout)
    return check
