"""Scaled on its own: 4 billing worker processes drain 1,000 ``cards.session_submitted`` events
from one durable queue -> exactly 1,000 invoices numbered 1..1000 of the year, every event acked."""
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from kombu import Connection
from sqlalchemy import func, select

from chassis.bus.consumer import Consumer
from chassis.bus.outbox import record_event
from chassis.bus.relay import OutboxRelay
from chassis.bus.settings import BusSettings
from chassis.bus.tables import InboxMessage
from chassis.bus.topology import dead_queue_name, retry_queue_name, service_queue_name, unroutable_queue_name
from chassis.config import REPO_ROOT
from chassis.db import Database
from services.billing.consumers import HANDLERS
from services.billing.db.models import Invoice
from tests.billing.support import submitted_payload
from tests.infra import migrated_database, rabbitmq_url, unique_exchange

pytestmark = pytest.mark.integration

WORKERS = 4
EVENTS = 1000


def queue_state(settings: BusSettings, name: str) -> tuple[int, int]:
    with Connection(settings.url) as connection:
        declared = connection.default_channel.queue_declare(name, passive=True)
    return declared.message_count, declared.consumer_count


def start_worker(database_url: str, settings: BusSettings) -> subprocess.Popen:
    env = {**os.environ, "BILLING_DATABASE_URL": database_url, "BUS_URL": settings.url,
           "BUS_EXCHANGE": settings.exchange, "BUS_PREFETCH": "10", "LOG_LEVEL": "WARNING",
           "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.Popen([sys.executable, "-m", "services.billing.worker"], cwd=REPO_ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_four_workers_drain_a_thousand_submissions_into_gapless_invoices():
    settings = BusSettings(url=rabbitmq_url(), exchange=unique_exchange("billing"), relay_batch_size=500)
    target = Database(migrated_database("billing", "billing_scale"))
    source = Database(migrated_database("billing", "billing_scale_source"))  # stands in for the cards outbox
    Consumer(service="billing", db=target, handlers=HANDLERS, settings=settings).declare()
    main_queue = service_queue_name(settings.exchange, "billing")
    workers = [start_worker(target.url, settings) for _ in range(WORKERS)]
    try:
        with source.transaction() as session:
            for _ in range(EVENTS):
                record_event(session, "cards", "cards.session_submitted", submitted_payload(participant_count=3))
        relay = OutboxRelay(source, settings, producer="cards")
        try:
            while relay.run_once():
                pass
        finally:
            relay.close_publisher()

        deadline, consumers_seen = time.monotonic() + 90, 0
        while time.monotonic() < deadline:
            consumers_seen = max(consumers_seen, queue_state(settings, main_queue)[1])
            with target.reading() as session:
                if session.scalar(select(func.count()).select_from(Invoice)) >= EVENTS:
                    break
            assert all(worker.poll() is None for worker in workers), "a worker died"
            time.sleep(0.5)
        assert consumers_seen == WORKERS  # four processes competing on one durable queue
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
    try:
        year = datetime.now(ZoneInfo("America/Montreal")).year
        with target.reading() as session:
            numbers = session.scalars(select(Invoice.number)).all()
            sessions = session.scalar(select(func.count(func.distinct(Invoice.session_id))))
            handled = session.scalar(select(func.count()).select_from(InboxMessage))
        assert sorted(numbers) == [f"{year}-{n:06d}" for n in range(1, EVENTS + 1)]
        assert sessions == EVENTS and handled == EVENTS
        assert queue_state(settings, main_queue) == (0, 0)  # every event acknowledged
        assert queue_state(settings, dead_queue_name(settings.exchange, "billing"))[0] == 0
    finally:
        with Connection(settings.url) as connection:
            channel = connection.default_channel
            for name in [main_queue, dead_queue_name(settings.exchange, "billing"),
                         unroutable_queue_name(settings.exchange),
                         *(retry_queue_name(settings.exchange, "billing", d) for d in settings.retry_delays)]:
                channel.queue_delete(name)
            channel.exchange_delete(settings.exchange)
        target.dispose()
        source.dispose()
