"""The broker as a worker or relay last saw it: a cheap signal for their probes and alerts.

An API's ``/readyz`` no longer asks about the broker (its outbox keeps it working through an outage), and no
probe opens an AMQP connection: the consumer and relay loops already talk to RabbitMQ all the time, so they
record each success (``reached``) and failure (``lost``) here, and the metrics they serve on
``BUS_METRICS_PORT`` carry it: ``guichet_bus_broker_connected`` (1 or 0) and
``guichet_bus_broker_last_contact_seconds`` (Unix time), per service and component.
"""
from __future__ import annotations

import time
from collections.abc import Callable

from prometheus_client import Gauge

_LABELS = ["service", "component"]
# Served by single-process workers and relays; the modes say how they would add up in prometheus-client's
# multiprocess mode (gunicorn): connected only if every live process is, contact as recent as the latest one.
CONNECTED = Gauge("guichet_bus_broker_connected", "1 while the last loop of this process reached the broker",
                  _LABELS, multiprocess_mode="livemin")
LAST_CONTACT = Gauge("guichet_bus_broker_last_contact_seconds",
                     "Unix time of the last loop of this process that reached the broker", _LABELS,
                     multiprocess_mode="livemax")


class BrokerLiveness:
    """What one consumer or relay process knows of the broker, without asking it anything more."""

    def __init__(self, service: str, component: str, clock: Callable[[], float] = time.time):
        self.clock = clock
        self.connected = CONNECTED.labels(service, component)
        self.last_contact = LAST_CONTACT.labels(service, component)
        self._last: float | None = None
        self._connected = False
        self.connected.set(0)

    def reached(self) -> None:
        """A loop talked to the broker (consumed, published, or waited on an open connection)."""
        self._last, self._connected = self.clock(), True
        self.connected.set(1)
        self.last_contact.set(self._last)

    def lost(self) -> None:
        """A loop failed on the broker; the process reconnects with backoff."""
        self._connected = False
        self.connected.set(0)

    def healthy(self, within: float) -> bool:
        """Connected, and in contact within ``within`` seconds (a loop stuck on a dead connection is not)."""
        return self._last is not None and self._connected and self.clock() - self._last <= within
