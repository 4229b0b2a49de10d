"""How many messages wait in a service's queues, as its consumer sees them:
``guichet_bus_queue_messages{service, queue}`` for ``<exchange>.<service>`` (events not delivered yet) and
``<exchange>.<service>.dead`` (dead letters waiting for an operator: ``python -m chassis.bus.deadletters``).

The consumer asks the broker (a passive ``queue.declare`` on a channel of its own connection, which answers
with the count of ready messages) at most every ``SAMPLE_EVERY`` seconds, between two steps of its loop: no
other connection, and a scrape never talks to the broker. Several consumers of one service report the same
queues: read them with ``max by (service, queue)``.
"""
from __future__ import annotations

import time
from collections.abc import Callable

from prometheus_client import Gauge

from chassis.bus.messages import error_text
from chassis.bus.settings import BusSettings
from chassis.bus.topology import dead_queue_name, service_queue_name

SAMPLE_EVERY = 5.0  # seconds
DEPTH = Gauge("guichet_bus_queue_messages", "Messages ready in a queue of this service, as its consumer last saw",
              ["service", "queue"], multiprocess_mode="livemax")


class QueueDepth:
    def __init__(self, service: str, settings: BusSettings, log, clock: Callable[[], float] = time.monotonic):
        self.log, self.clock = log, clock
        names = (service_queue_name(settings.exchange, service), dead_queue_name(settings.exchange, service))
        self.gauges = {name: DEPTH.labels(service, name) for name in names}
        self._due = 0.0

    def sample_if_due(self, connection) -> None:
        """Never raises: a count that cannot be read now is read at the next turn (the loop finds out if the
        connection itself is broken)."""
        if connection is None or self.clock() < self._due:
            return
        self._due = self.clock() + SAMPLE_EVERY
        try:
            channel = connection.channel()
            try:
                for name, gauge in self.gauges.items():
                    gauge.set(channel.queue_declare(queue=name, passive=True).message_count)
            finally:
                channel.close()
        except Exception as error:
            self.log.debug("consumer.queue_depth_not_read", error=error_text(error))
