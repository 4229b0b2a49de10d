"""Benchmark 4, billing scale-out: a backlog of ``cards.session_submitted`` drained by 1, 2 and 4
billing worker processes (``python -m services.billing.worker``, as deployed), invoices/s and the ratios.

Per run and per worker count: the billing database is emptied, the backlog is published to the billing
queue (confirmed) while no worker runs, then the workers start. The clock starts once all of them are
consuming (invoices made before that are not counted) and stops at the last invoice's ``issued_at``.
The baseline of each ratio is the one-worker rate of the same run. ``BENCH_SCALE_OUT_EVENTS`` sets the
backlog (default 10,000).
"""
from __future__ import annotations

import os
import sys
import time
from contextlib import suppress
from datetime import datetime

from kombu import Connection
from sqlalchemy import func, select, text

from bench.common import RESULTS_DIR, Figure, wait_until
from chassis.bus.consumer import Consumer
from chassis.bus.publisher import AmqpPublisher
from chassis.bus.settings import BusSettings
from chassis.bus.topology import dead_queue_name, retry_queue_name, service_queue_name, unroutable_queue_name
from chassis.config import REPO_ROOT
from chassis.db import Database
from chassis.events.envelope import Envelope
from services.billing.consumers import HANDLERS
from services.billing.db.models import Invoice
from stack.supervisor import Supervisor
from tests.billing.support import submitted_payload
from tests.infra import migrated_database, rabbitmq_url, unique_exchange

EVENTS = int(os.environ.get("BENCH_SCALE_OUT_EVENTS", "10000"))
WORKER_COUNTS = (1, 2, 4)


def queue_state(settings: BusSettings) -> tuple[int, int]:
    with Connection(settings.url) as connection:
        declared = connection.default_channel.queue_declare(service_queue_name(settings.exchange, "billing"),
                                                            passive=True)
    return declared.message_count, declared.consumer_count


def empty_billing_database(db: Database) -> None:
    with db.transaction() as session:
        tables = session.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                      "AND tablename <> 'alembic_version'")).all()
        session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


def publish_backlog(settings: BusSettings, count: int) -> None:
    publisher = AmqpPublisher(settings, "cards")
    try:
        batch = []
        for _ in range(count):
            batch.append(Envelope(type="cards.session_submitted", payload=submitted_payload(participant_count=3),
                                  producer="cards", correlation_id="bench-scale-out").to_dict())
            if len(batch) == 500:
                publisher.publish_events(batch)
                batch = []
        if batch:
            publisher.publish_events(batch)
    finally:
        publisher.close()
    wait_until(lambda: queue_state(settings)[0] >= count, timeout=30, what="backlog queued")


def billing_workers(database_url: str, settings: BusSettings, workers: int) -> Supervisor:
    """``workers`` billing worker processes (not started), logged under ``var/bench/logs``."""
    env = {**os.environ, "BILLING_DATABASE_URL": database_url, "BUS_URL": settings.url,
           "BUS_EXCHANGE": settings.exchange, "LOG_LEVEL": "WARNING", "PYTHONPATH": str(REPO_ROOT)}
    argv = [sys.executable, "-m", "services.billing.worker"]
    return Supervisor([(f"billing-worker-{index}", argv, env) for index in range(workers)], cwd=REPO_ROOT,
                      log_dir=RESULTS_DIR / "logs", restart=False, stop_timeout=20)


def invoice_count(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(Invoice))


def drain(db: Database, settings: BusSettings, workers: int, count: int) -> float:
    """Invoices/s of ``workers`` processes on a backlog of ``count`` events."""
    empty_billing_database(db)
    publish_backlog(settings, count)
    supervisor = billing_workers(db.url, settings, workers)
    supervisor.start_all()
    try:
        wait_until(lambda: queue_state(settings)[1] >= workers, timeout=60, interval=0.02, what="workers consuming")
        started, already = time.time(), invoice_count(db)
        wait_until(lambda: invoice_count(db) >= count, timeout=1800, interval=0.5, what="backlog drained")
        assert not supervisor.exited(), f"a worker died: {supervisor.exited()}"
    finally:
        supervisor.stop_all()
    with db.reading() as session:
        last: datetime = session.scalar(select(func.max(Invoice.issued_at)))
        numbers = session.scalar(select(func.count(func.distinct(Invoice.number))))
    assert numbers == count, f"{numbers} distinct invoice numbers for {count} events"
    return (count - already) / (last.timestamp() - started)


def run(runs: int = 3) -> list[Figure]:
    settings = BusSettings(url=rabbitmq_url(), exchange=unique_exchange("bench"))
    db = Database(migrated_database("billing", "bench_scale_out"))
    Consumer(service="billing", db=db, handlers=HANDLERS, settings=settings).declare()
    rates = {n: Figure("4 billing scale-out", f"invoices/s, {n} worker{'s' if n > 1 else ''}, "
                                               f"backlog {EVENTS:,}", "inv/s",
                       baseline_name="1 worker" if n > 1 else "",
                       target=">= 1.7x" if n == 2 else "") for n in WORKER_COUNTS}
    try:
        for _ in range(runs):
            measured = {n: drain(db, settings, n, EVENTS) for n in WORKER_COUNTS}
            for n, rate in measured.items():
                rates[n].add(rate, measured[1] if n > 1 else None)
    finally:
        db.dispose()
        delete_bus_objects(settings)
    return list(rates.values())


def delete_bus_objects(settings: BusSettings) -> None:
    """The billing queues and the exchange of a benchmark's own exchange name."""
    with Connection(settings.url) as connection:
        channel = connection.default_channel
        for name in [service_queue_name(settings.exchange, "billing"), dead_queue_name(settings.exchange, "billing"),
                     unroutable_queue_name(settings.exchange),
                     *(retry_queue_name(settings.exchange, "billing", d) for d in settings.retry_delays)]:
            with suppress(Exception):
                channel.queue_delete(name)
        with suppress(Exception):
            channel.exchange_delete(settings.exchange)
