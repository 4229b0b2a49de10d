"""Prometheus counters of the bus, labelled by service and event type.

They live in prometheus-client's default registry; ``chassis.bus.runner`` serves them on
``BUS_METRICS_PORT`` in worker and relay processes.
"""
from __future__ import annotations

from prometheus_client import Counter

_LABELS = ["service", "event_type"]

PUBLISHED = Counter("guichet_bus_published_total", "Events published by the outbox relay (broker confirmed)",
                    _LABELS)
UNROUTABLE = Counter("guichet_bus_unroutable_total",
                     "Events no queue was bound for; parked in the <exchange>.unroutable queue", _LABELS)
CONSUMED = Counter("guichet_bus_consumed_total", "Events whose handler committed its effects", _LABELS)
DUPLICATES = Counter("guichet_bus_duplicates_total", "Redelivered events skipped thanks to the inbox", _LABELS)
RETRIED = Counter("guichet_bus_retried_total", "Handler failures sent to a retry delay queue", _LABELS)
DEAD_LETTERED = Counter("guichet_bus_dead_lettered_total", "Events moved to a dead-letter queue", _LABELS)
