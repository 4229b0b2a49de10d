"""Opening a broker connection the same way everywhere in the bus."""
from __future__ import annotations

from kombu import Connection

from chassis.bus.settings import BusSettings

MEMORY_POLLING_INTERVAL = 0.05  # kombu's in-memory transport polls its queues; its default is 1 s


def open_connection(settings: BusSettings) -> Connection:
    """A kombu connection, not yet connected: 5 s connect timeout, no heartbeats (loops wake every second)."""
    options = {"polling_interval": MEMORY_POLLING_INTERVAL} if settings.is_memory else {}
    return Connection(settings.url, connect_timeout=5, heartbeat=0, transport_options=options)
