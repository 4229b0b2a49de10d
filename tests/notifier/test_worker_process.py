"""``python -m services.notifier.worker`` as a real process: RabbitMQ in, SMTP out, clean stop on SIGTERM."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from kombu import Connection

from chassis.bus.publisher import open_publisher
from chassis.bus.settings import BusSettings
from chassis.bus.topology import dead_queue_name, retry_queue_name, service_queue_name, unroutable_queue_name
from chassis.config import REPO_ROOT
from tests.infra import rabbitmq_url, unique_exchange
from tests.notifier.support import TEST_SECRET_KEY, envelope, shipped, wait_for

pytestmark = pytest.mark.integration


def test_the_worker_consumes_sends_and_stops_gracefully(db, smtp, tmp_path):
    exchange = unique_exchange("notifier")
    bus = BusSettings(url=rabbitmq_url(), exchange=exchange)
    env = {**os.environ, "BUS_URL": bus.url, "BUS_EXCHANGE": exchange, "NOTIFIER_DATABASE_URL": db.url,
           "NOTIFIER_SMTP_HOST": "127.0.0.1", "NOTIFIER_SMTP_PORT": str(smtp.port),
           "NOTIFIER_SECRET_KEY": TEST_SECRET_KEY, "NOTIFIER_POLL_SECONDS": "0.1", "GUICHET_DATA_DIR": str(tmp_path),
           "PYTHONPATH": str(REPO_ROOT)}
    worker = subprocess.Popen([sys.executable, "-m", "services.notifier.worker"], cwd=REPO_ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        def queue_ready() -> bool:
            try:
                with Connection(bus.url, connect_timeout=2) as connection:
                    connection.channel().queue_declare(service_queue_name(exchange, "notifier"), passive=True)
                return True
            except Exception:
                return False

        assert wait_for(queue_ready, timeout=20, interval=0.2)
        event = envelope("cards.session_shipped", shipped()).to_dict()

        def published_to_the_queue() -> bool:
            # The queue exists before all of its bindings (one per event type) do: until the worker bound
            # this type, the broker returns the event as unroutable (it is parked, not lost), so send again.
            publisher = open_publisher(bus, "test")
            try:
                return not publisher.publish_events([event]).unroutable
            finally:
                publisher.close()

        assert wait_for(published_to_the_queue, timeout=20, interval=0.2)
        assert wait_for(lambda: len(smtp.received) == 1, timeout=20, interval=0.1)
        assert smtp.received[0]["Subject"] == "Vos cartes ont été expédiées"
    finally:
        worker.send_signal(signal.SIGTERM)
        output = worker.communicate(timeout=30)[0].decode()
        with Connection(bus.url, connect_timeout=5) as connection:
            channel = connection.channel()
            for name in [service_queue_name(exchange, "notifier"), dead_queue_name(exchange, "notifier"),
                         unroutable_queue_name(exchange)] + [retry_queue_name(exchange, "notifier", d)
                                                             for d in bus.retry_delays]:
                channel.queue_delete(name)
            channel.exchange_delete(exchange)
    assert worker.returncode == 0, output[-2000:]
    assert "consumer.stopped" in output and "mail_sent" in output
