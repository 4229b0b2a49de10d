"""A source database (the producer's outbox), a target database (the consumer's inbox), an exchange of its own,
and the relay and consumer as separate processes, as in production (one process each).

The consumer records the wall-clock time right after each inbox transaction commits; the benchmark
reads them back when it stops the process.
"""
from __future__ import annotations

import multiprocessing
import time
from contextlib import suppress
from dataclasses import dataclass

from kombu import Connection
from sqlalchemy import text

from chassis.bus.consumer import Consumer
from chassis.bus.relay import OutboxRelay
from chassis.bus.settings import BusSettings
from chassis.bus.topology import dead_queue_name, retry_queue_name, service_queue_name, unroutable_queue_name
from chassis.db import Database
from chassis.logging import configure_logging

CONSUMER = "bench"
EVENT_TYPE = "cards.session_cancelled"


def noop_handler(_session, _envelope) -> None:
    """The consumer's work is only its inbox row: the figure is the pipeline's own cost."""


HANDLERS = {EVENT_TYPE: noop_handler}


class TimedConsumer(Consumer):
    """The chassis consumer, noting when each event's inbox transaction committed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.committed_at: dict[str, float] = {}

    def after_commit(self, applied):
        now = time.time()
        for envelope in applied:
            self.committed_at[envelope.id] = now


def _consume(database_url: str, settings: BusSettings, ready, stop, results) -> None:
    configure_logging("WARNING")
    db = Database(database_url)
    consumer = TimedConsumer(service=CONSUMER, db=db, handlers=HANDLERS, settings=settings)
    consumer.declare()
    ready.set()
    consumer.run_forever(stop)
    results.put(consumer.committed_at)
    db.dispose()


def _relay(database_url: str, settings: BusSettings, go, stop) -> None:
    configure_logging("WARNING")
    db = Database(database_url)
    relay = OutboxRelay(db, settings, producer="cards")
    relay.publisher._open()  # connected before the clock starts
    go.wait()
    relay.run_forever(stop)
    db.dispose()


@dataclass
class Pipeline:
    source_url: str
    target_url: str
    settings: BusSettings

    def reset(self) -> None:
        for url in (self.source_url, self.target_url):
            db = Database(url)
            with db.transaction() as session:
                session.execute(text("TRUNCATE outbox, inbox RESTART IDENTITY"))
            db.dispose()
        with Connection(self.settings.url) as connection:
            with suppress(Exception):
                connection.default_channel.queue_purge(service_queue_name(self.settings.exchange, CONSUMER))

    def start(self) -> RunningPipeline:
        context = multiprocessing.get_context("spawn")
        ready, go, stop, results = context.Event(), context.Event(), context.Event(), context.Queue()
        consumer = context.Process(target=_consume, args=(self.target_url, self.settings, ready, stop, results))
        relay = context.Process(target=_relay, args=(self.source_url, self.settings, go, stop))
        consumer.start()
        relay.start()
        if not ready.wait(60):
            raise RuntimeError("the consumer did not start")
        return RunningPipeline(consumer, relay, go, stop, results)

    def delete_bus_objects(self) -> None:
        exchange = self.settings.exchange
        names = [unroutable_queue_name(exchange), service_queue_name(exchange, CONSUMER),
                 dead_queue_name(exchange, CONSUMER),
                 *(retry_queue_name(exchange, CONSUMER, delay) for delay in self.settings.retry_delays)]
        with Connection(self.settings.url) as connection:
            channel = connection.default_channel
            for name in names:
                with suppress(Exception):
                    channel.queue_delete(name)
            with suppress(Exception):
                channel.exchange_delete(exchange)


@dataclass
class RunningPipeline:
    consumer: multiprocessing.Process
    relay: multiprocessing.Process
    go: object
    stop_event: object
    results: object

    def release_relay(self) -> float:
        self.go.set()
        return time.time()

    def stop(self) -> dict[str, float]:
        self.go.set()
        self.stop_event.set()
        committed = self.results.get(timeout=60)
        for process in (self.relay, self.consumer):
            process.join(30)
            if process.is_alive():
                process.kill()
        return committed
