"""Benchmark 2, the event pipeline: outbox commit -> relay -> RabbitMQ -> consumer's inbox commit.

Per run, on the machine's PostgreSQL and RabbitMQ, with an exchange of its own:

- throughput: a backlog of ``BACKLOG`` events committed in the producer's outbox, then the relay is
  released; events/s = backlog / (last inbox commit - release);
- baseline, same run, same broker: raw kombu publishing of the same bodies with publisher confirms
  (``confirm_publish``: each publish waits for its confirm), events/s;
- latency: ``RATE`` events/s offered for ``SECONDS`` seconds, one producer transaction per event, from
  ``PRODUCERS`` threads on one schedule (the offered rate achieved is reported);
  latency = consumer's inbox commit - producer's outbox commit, p50 and p99; once with the default
  relay idle sleep (``BUS_RELAY_IDLE_SLEEP`` 1.0 s) and once with 0.01 s. (The relay is woken by the
  commit's ``NOTIFY``, so the idle sleep is only its safety net: both should now give the same figures.)

``BENCH_PIPELINE_BACKLOG`` (5,000), ``BENCH_PIPELINE_RATE`` (500) and ``BENCH_PIPELINE_SECONDS`` (6) set the
sizes, for a quick smoke run (the figures' names say the backlog and rate they were measured at).
"""
from __future__ import annotations

import itertools
import os
import threading
import time
import uuid
from dataclasses import replace

from kombu import Connection, Exchange, Producer, Queue
from sqlalchemy import func, select

from bench.bus_fixture import CONSUMER, EVENT_TYPE, Pipeline
from bench.common import Figure, percentile, wait_until
from chassis.bus import messages
from chassis.bus.outbox import record_event
from chassis.bus.settings import BusSettings
from chassis.bus.tables import InboxMessage
from chassis.db import Database
from chassis.events.envelope import Envelope
from tests.infra import migrated_database, rabbitmq_url, unique_exchange

BACKLOG = int(os.environ.get("BENCH_PIPELINE_BACKLOG", "5000"))
RATE = int(os.environ.get("BENCH_PIPELINE_RATE", "500"))
SECONDS = float(os.environ.get("BENCH_PIPELINE_SECONDS", "6"))
PRODUCERS = 4


def payload() -> dict:
    return {"session_id": str(uuid.uuid4()), "cancelled_by": "bench-user", "reason": None}


def inbox_count(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(InboxMessage).where(InboxMessage.consumer == CONSUMER))


def throughput(pipeline: Pipeline, source: Database, target: Database) -> float:
    pipeline.reset()
    with source.transaction() as session:
        for _ in range(BACKLOG):
            record_event(session, "cards", EVENT_TYPE, payload())
    running = pipeline.start()
    started = running.release_relay()
    wait_until(lambda: inbox_count(target) >= BACKLOG, timeout=300, interval=0.1, what="backlog drained")
    committed = running.stop()
    return BACKLOG / (max(committed.values()) - started)


def raw_confirmed_publishing(settings: BusSettings, count: int = BACKLOG) -> float:
    """kombu's Producer with confirm_publish: every publish returns once the broker confirmed it."""
    exchange = Exchange(settings.exchange + ".raw", type="topic", durable=True)
    bodies = [messages.encode(Envelope(type=EVENT_TYPE, payload=payload(), producer="cards",
                                       correlation_id=uuid.uuid4().hex).to_dict()) for _ in range(count)]
    with Connection(settings.url, transport_options={"confirm_publish": True}) as connection:
        channel = connection.channel()
        queue = Queue(settings.exchange + ".raw", exchange=exchange, routing_key=EVENT_TYPE, durable=True)(channel)
        queue.declare()
        producer = Producer(channel, exchange=exchange)
        started = time.perf_counter()
        for body in bodies:
            producer.publish(body, routing_key=EVENT_TYPE, content_type=messages.CONTENT_TYPE,
                             content_encoding="utf-8", delivery_mode=2, mandatory=True)
        elapsed = time.perf_counter() - started
        queue.delete()
        exchange(channel).delete()
    return count / elapsed


def offer(source: Database, rate: int, total: int) -> tuple[dict[str, float], float]:
    """``total`` events at ``rate``/s, one producer transaction each, from ``PRODUCERS`` threads sharing one
    schedule (a single thread tops out near 300 transactions/s here, below the rate to offer). Returns each
    event's commit time (``time.time()``) and the rate actually offered."""
    committed_at: dict[str, float] = {}
    indexes = itertools.count()
    started = time.perf_counter() + 0.05

    def produce() -> None:
        for index in indexes:
            if index >= total:
                return
            pause = started + index / rate - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            with source.transaction() as session:
                envelope = record_event(session, "cards", EVENT_TYPE, payload())
            committed_at[envelope.id] = time.time()

    threads = [threading.Thread(target=produce, name=f"producer-{n}") for n in range(PRODUCERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return committed_at, total / (time.perf_counter() - started)


def latency(pipeline: Pipeline, source: Database, rate: int = RATE,
            seconds: float = SECONDS) -> tuple[list[float], float]:
    """Latencies in ms at ``rate`` offered events/s, and the rate actually offered."""
    pipeline.reset()
    running = pipeline.start()
    running.release_relay()
    time.sleep(0.5)
    total = int(rate * seconds)
    committed_at, offered = offer(source, rate, total)
    target = Database(pipeline.target_url)
    try:
        wait_until(lambda: inbox_count(target) >= total, timeout=120, interval=0.1, what="every event consumed")
    finally:
        target.dispose()
    consumed = running.stop()
    latencies = [(consumed[event_id] - at) * 1000 for event_id, at in committed_at.items()]
    return latencies, offered


def run(runs: int = 3) -> list[Figure]:
    settings = BusSettings(url=rabbitmq_url(), exchange=unique_exchange("bench"))
    pipeline = Pipeline(migrated_database("cards", "bench_pipeline_source"),
                        migrated_database("billing", "bench_pipeline_target"), settings)
    fast = Pipeline(pipeline.source_url, pipeline.target_url, replace(settings, relay_idle_sleep=0.01))
    source, target = Database(pipeline.source_url), Database(pipeline.target_url)
    rate = Figure("2 pipeline", f"events/s, backlog of {BACKLOG:,}, outbox commit -> inbox commit", "ev/s",
                  baseline_name="raw kombu publish+confirm", target=">= 1,000 ev/s and >= 1.0x")
    idle = f"idle sleep {settings.relay_idle_sleep:g} s, default"
    p50 = Figure("2 pipeline", f"p50 latency at {RATE} ev/s ({idle})", "ms",
                 higher_is_better=False)
    p99 = Figure("2 pipeline", f"p99 latency at {RATE} ev/s ({idle})", "ms",
                 target="<= 50 ms", higher_is_better=False)
    p50_fast = Figure("2 pipeline", f"p50 latency at {RATE} ev/s (BUS_RELAY_IDLE_SLEEP=0.01)", "ms",
                      higher_is_better=False)
    p99_fast = Figure("2 pipeline", f"p99 latency at {RATE} ev/s (BUS_RELAY_IDLE_SLEEP=0.01)", "ms",
                      target="<= 50 ms", higher_is_better=False)
    offered = Figure("2 pipeline", "offered load achieved by the producer", "ev/s")
    try:
        for _ in range(runs):
            raw = raw_confirmed_publishing(settings)
            rate.add(throughput(pipeline, source, target), raw)
            for pipe, f50, f99 in ((pipeline, p50, p99), (fast, p50_fast, p99_fast)):
                latencies, achieved = latency(pipe, source)
                f50.add(percentile(latencies, 0.50))
                f99.add(percentile(latencies, 0.99))
            offered.add(achieved)
    finally:
        source.dispose()
        target.dispose()
        pipeline.delete_bus_objects()
    return [rate, p50, p99, p50_fast, p99_fast, offered]
