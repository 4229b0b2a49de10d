"""Prometheus metrics of the bus, labelled by service and event type.

They live in prometheus-client's default registry; ``chassis.bus.runner`` serves them on
``BUS_METRICS_PORT`` in worker and relay processes. The service is also the queue: a service consumes from
``<exchange>.<service>`` and dead-letters to ``<exchange>.<service>.dead``, so ``retried`` and
``dead_lettered`` are counted by queue too. Beside these: the broker's signal (``chassis.bus.health``), the
outbox backlog (``chassis.bus.outbox_backlog``) and the queues' depth (``chassis.bus.queue_depth``).
"""
from __future__ import annotations

import functools
import time
from datetime import UTC, datetime

from prometheus_client import Counter, Histogram

from chassis.bus.handlers import HandlerTable
from chassis.events.envelope import Envelope

_LABELS = ["service", "event_type"]

PUBLISHED = Counter("guichet_bus_published_total", "Events published by the outbox relay (broker confirmed)",
                    _LABELS)
UNROUTABLE = Counter("guichet_bus_unroutable_total",
                     "Events no queue was bound for; parked in the <exchange>.unroutable queue", _LABELS)
CONSUMED = Counter("guichet_bus_consumed_total", "Events whose handler committed its effects", _LABELS)
DUPLICATES = Counter("guichet_bus_duplicates_total", "Redelivered events skipped thanks to the inbox", _LABELS)
RETRIED = Counter("guichet_bus_retried_total", "Handler failures sent to a retry delay queue", _LABELS)
DEAD_LETTERED = Counter("guichet_bus_dead_lettered_total", "Events moved to a dead-letter queue", _LABELS)
LAG = Histogram("guichet_bus_consumer_lag_seconds",
                "From an event's occurred_at to its consumer's commit: how far behind the consumer is", _LABELS,
                buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 1800, 3600, 10800))
HANDLER_DURATION = Histogram("guichet_bus_handler_duration_seconds",
                             "Time a handler took on one event, inside its transaction (commit not included)",
                             _LABELS, buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))


def instrumented(service: str, handlers: HandlerTable) -> HandlerTable:
    """The handler table with each handler timed. Every series of the consumer's event types starts at zero
    here, so a rate or an ``increase`` sees the first event after a start, and a ratio has its denominator."""
    for event_type in handlers:
        for metric in (CONSUMED, DUPLICATES, RETRIED, DEAD_LETTERED, LAG):
            metric.labels(service, event_type)
    return {event_type: _timed(HANDLER_DURATION.labels(service, event_type), handler)
            for event_type, handler in handlers.items()}


def _timed(histogram, handler):
    @functools.wraps(handler)  # keeps the handler's marks (``@own_transaction``)
    def timed(session, envelope):
        started = time.perf_counter()
        try:
            handler(session, envelope)
        finally:
            histogram.observe(time.perf_counter() - started)
    return timed


@functools.cache
def series(metric, service: str, event_type: str):
    """A labelled series, looked up once: ``labels`` takes a lock and builds a key at every call. The catalogue
    bounds the event types (an unknown type is refused before it is counted or published)."""
    return metric.labels(service, event_type)


def count_handled(service: str, envelope: Envelope, duplicate: bool) -> None:
    """After the commit and the ack: one event applied (and how late), or skipped as a duplicate."""
    if duplicate:
        series(DUPLICATES, service, envelope.type).inc()
        return
    series(CONSUMED, service, envelope.type).inc()
    try:
        occurred = datetime.fromisoformat(envelope.occurred_at)
    except (TypeError, ValueError):
        return
    if occurred.tzinfo is None:
        occurred = occurred.replace(tzinfo=UTC)
    # Another host's clock may run ahead of this one: a late event is never less than 0 s late.
    series(LAG, service, envelope.type).observe(max(0.0, (datetime.now(UTC) - occurred).total_seconds()))
