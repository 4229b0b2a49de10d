"""What the private broker holds: queues that exist, messages waiting in them."""
from __future__ import annotations

from kombu import Connection

from stack.running import queue_exists  # noqa: F401  (the stack's own check, re-exported for the scenarios)


def queue_depth(bus_url: str, name: str) -> int | None:
    """Messages ready in ``name`` (None if the broker or the queue is not there)."""
    try:
        with Connection(bus_url, connect_timeout=3) as connection:
            return connection.channel().queue_declare(name, passive=True).message_count
    except Exception:
        return None
