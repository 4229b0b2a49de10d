"""Process mains of the bus: ``run_worker`` (consumer) and ``run_relay`` (outbox relay).

Used by ``services/<svc>/worker.py`` and ``services/<svc>/relay.py``::

    from chassis.bus.runner import run_worker
    run_worker(load_config(), HANDLERS)

They log JSON lines, serve prometheus metrics on ``BUS_METRICS_PORT`` when set, send traces when
``OTEL_EXPORTER_OTLP_ENDPOINT`` is set (``chassis.tracing``: CONSUMER or PRODUCER spans, SQL), and stop
gracefully on SIGTERM / SIGINT: the message being handled (or the batch being published) is
finished, then the connections are closed.
"""
from __future__ import annotations

import signal
import threading

from prometheus_client import start_http_server

from chassis import tracing
from chassis.bus.consumer import Consumer
from chassis.bus.handlers import HandlerTable
from chassis.bus.relay import OutboxRelay
from chassis.bus.settings import BusSettings
from chassis.config import ServiceConfig
from chassis.db import Database
from chassis.logging import configure_logging, get_logger


def stop_on_signals() -> threading.Event:
    stop = threading.Event()

    def _stop(_signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    return stop


def _prepare(config: ServiceConfig, component: str) -> tuple[BusSettings, Database, threading.Event]:
    configure_logging(config.log_level)
    settings = BusSettings.from_config(config)
    log = get_logger(config.service, component=component)
    if settings.is_memory:
        log.warning("bus.memory_url", detail="BUS_URL is memory://: this process only sees its own events; "
                                             "set BUS_URL=amqp://... (the embedded stack runs its bus in-process)")
    if settings.metrics_port:
        start_http_server(settings.metrics_port)
    tracing.setup_tracing(config.service)
    db = Database(config.database_url)
    tracing.trace_database(db, config.service)
    return settings, db, stop_on_signals()


def run_worker(config: ServiceConfig, handlers: HandlerTable) -> None:
    settings, db, stop = _prepare(config, "consumer")
    try:
        Consumer(service=config.service, db=db, handlers=handlers, settings=settings).run_forever(stop)
    finally:
        db.dispose()


def run_relay(config: ServiceConfig) -> None:
    settings, db, stop = _prepare(config, "relay")
    try:
        OutboxRelay(db, settings, producer=config.service).run_forever(stop)
    finally:
        db.dispose()
