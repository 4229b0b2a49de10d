"""What a relay and a worker process say on their metrics port (issue 21, item 1): the outbox backlog, the
consumer's lag and handling time by event type, retries, dead letters and the queues' depth.

Real processes (``chassis.bus.runner``, as services/<svc>/worker.py and relay.py start them) on the real
PostgreSQL and RabbitMQ. Three events are recorded ten minutes in the past while the test holds the outbox's
advisory lock (the relay then finds "another relay" at work and publishes nothing): its backlog is visible.
The lock released, they go out and are handled; then an event whose handler always fails goes through its
retries into the dead-letter queue.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import timedelta

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select, text, update

from chassis.bus.relay import OUTBOX_LOCK_KEY
from chassis.bus.tables import OutboxMessage
from chassis.bus.topology import dead_queue_name, service_queue_name
from chassis.config import REPO_ROOT
from stack.environment import free_port
from tests.chassis.bus.support import EVENT_TYPE, OTHER_TYPE, effect_count, emit
from tests.chassis.bus.test_bus_runner import _wait_for_queue
from tests.metric_names import unknown_series

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

LATE = timedelta(minutes=10)
HANDLER_SLEEP = 0.2  # seconds each effect's handler takes
WORKER = textwrap.dedent("""
    import time
    from chassis.bus.runner import run_worker
    from chassis.config import ServiceConfig
    from tests.chassis.bus.support import EVENT_TYPE, OTHER_TYPE, record_effect

    def slow_effect(session, envelope):
        time.sleep({sleep})
        record_effect(session, envelope)

    def broken(session, envelope):
        raise RuntimeError("this handler always fails")

    run_worker(ServiceConfig.from_env("fx"), {{EVENT_TYPE: slow_effect, OTHER_TYPE: broken}})
""").format(sleep=HANDLER_SLEEP)
RELAY = "from chassis.config import ServiceConfig as C; from chassis.bus.runner import run_relay; " \
        "run_relay(C.from_env('bustest'))"


class Process:
    def __init__(self, code: str, env: dict[str, str]):
        self.port = free_port()
        self.popen = subprocess.Popen([sys.executable, "-c", code], cwd=REPO_ROOT,
                                      env={**env, "BUS_METRICS_PORT": str(self.port)},
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def scrape(self) -> dict[tuple[str, frozenset], float]:
        try:
            body = requests.get(f"http://127.0.0.1:{self.port}/metrics", timeout=5).text
        except requests.ConnectionError:
            return {}
        return {(sample.name, frozenset(sample.labels.items())): sample.value
                for family in text_string_to_metric_families(body) for sample in family.samples}

    def stop(self) -> str:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
        try:
            return self.popen.communicate(timeout=20)[0]
        except subprocess.TimeoutExpired:
            self.popen.kill()
            return self.popen.communicate()[0]


def value(samples, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


def wait_for(condition, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.1)
    return None


def backdate_outbox(db, by: timedelta) -> None:
    """Every unsent row (and its envelope's occurred_at) as if recorded ``by`` ago."""
    with db.transaction() as session:
        for row in session.scalars(select(OutboxMessage).where(OutboxMessage.published_at.is_(None))):
            moment = row.created_at - by
            session.execute(update(OutboxMessage).where(OutboxMessage.id == row.id).values(
                created_at=moment, envelope={**row.envelope, "occurred_at": moment.isoformat()}))


@pytest.fixture(scope="module")
def run(module_db, tmp_path_factory):
    """The whole story once; each test reads the part it is about from the scrapes kept here."""
    from tests.chassis.bus.support import delete_broker_objects, make_settings

    db, settings = module_db, make_settings()
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "GUICHET_DATA_DIR": str(tmp_path_factory.mktemp("data")),
           "BUS_URL": settings.url, "BUS_EXCHANGE": settings.exchange, "BUSTEST_DATABASE_URL": db.url,
           "FX_DATABASE_URL": db.url, "BUS_RETRY_DELAYS": "0.2,0.4", "BUS_RELAY_IDLE_SLEEP": "0.05"}
    kept: dict[str, object] = {"settings": settings}
    worker = Process(WORKER, env)
    relay = None
    lock = db.engine.connect()
    try:
        assert _wait_for_queue(settings, service_queue_name(settings.exchange, "fx"))
        lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": OUTBOX_LOCK_KEY})
        for key in ("late-1", "late-2", "late-3"):
            emit(db, key)
        backdate_outbox(db, LATE)
        relay = Process(RELAY, env)
        kept["backlogged"] = wait_for(lambda: (s := relay.scrape()) and value(
            s, "guichet_bus_outbox_unsent_events", service="bustest") == 3 and s)
        # the relay's next turn takes the lock and publishes (a session lock outlives a pooled connection's close)
        lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": OUTBOX_LOCK_KEY})

        assert wait_for(lambda: effect_count(db) == 3)
        kept["drained"] = wait_for(lambda: (s := relay.scrape()) and value(
            s, "guichet_bus_outbox_unsent_events", service="bustest") == 0 and s)
        kept["handled"] = wait_for(lambda: (s := worker.scrape()) and value(
            s, "guichet_bus_consumed_total", service="fx", event_type=EVENT_TYPE) == 3 and s)

        emit(db, "never", event_type=OTHER_TYPE)
        dead = dead_queue_name(settings.exchange, "fx")
        kept["dead_lettered"] = wait_for(lambda: (s := worker.scrape()) and value(
            s, "guichet_bus_queue_messages", service="fx", queue=dead) == 1 and s)
    finally:
        lock.close()
        outputs = [process.stop() for process in (worker, relay) if process is not None]
        delete_broker_objects(settings, ["fx"])
    kept["outputs"] = outputs
    return kept


def test_a_relay_with_a_backlog_reports_its_rows_and_the_age_of_the_oldest(run):
    backlogged, drained = run["backlogged"], run["drained"]
    assert backlogged, run["outputs"][-1][-3000:]
    age = value(backlogged, "guichet_bus_outbox_oldest_unsent_age_seconds", service="bustest")
    assert LATE.total_seconds() <= age < LATE.total_seconds() + 120
    assert drained, "the backlog never went back to 0"
    assert value(drained, "guichet_bus_outbox_oldest_unsent_age_seconds", service="bustest") == 0
    assert value(drained, "guichet_bus_published_total", service="bustest", event_type=EVENT_TYPE) == 3


def test_a_consumer_reports_its_lag_and_handling_time_by_event_type(run):
    handled = run["handled"]
    assert handled, run["outputs"][0][-3000:]
    lag = {"service": "fx", "event_type": EVENT_TYPE}
    assert value(handled, "guichet_bus_consumer_lag_seconds_count", **lag) == 3
    assert value(handled, "guichet_bus_consumer_lag_seconds_sum", **lag) >= 3 * LATE.total_seconds()
    assert value(handled, "guichet_bus_consumer_lag_seconds_bucket", **lag, le="300.0") == 0  # 10 minutes late
    assert value(handled, "guichet_bus_consumer_lag_seconds_bucket", **lag, le="900.0") == 3
    assert value(handled, "guichet_bus_handler_duration_seconds_count", **lag) == 3
    assert value(handled, "guichet_bus_handler_duration_seconds_sum", **lag) >= 3 * HANDLER_SLEEP
    # the consumer's other type is there from the start, at zero
    assert value(handled, "guichet_bus_consumed_total", service="fx", event_type=OTHER_TYPE) == 0


def test_a_dead_letter_is_counted_for_its_queue_and_waits_there(run):
    dead_lettered, settings = run["dead_lettered"], run["settings"]
    assert dead_lettered, run["outputs"][0][-3000:]
    other = {"service": "fx", "event_type": OTHER_TYPE}
    assert value(dead_lettered, "guichet_bus_retried_total", **other) == 2  # BUS_RETRY_DELAYS: two retries
    assert value(dead_lettered, "guichet_bus_dead_lettered_total", **other) == 1
    assert value(dead_lettered, "guichet_bus_handler_duration_seconds_count", **other) == 3
    assert value(dead_lettered, "guichet_bus_consumed_total", **other) == 0
    assert value(dead_lettered, "guichet_bus_queue_messages", service="fx",
                 queue=service_queue_name(settings.exchange, "fx")) == 0


def test_the_processes_serve_no_guichet_series_the_definitions_do_not_give(run):
    """What tests/deploy/test_monitoring.py checks the alerts and the dashboard against is what they serve."""
    for scraped in (run["backlogged"], run["drained"], run["handled"], run["dead_lettered"]):
        assert scraped and not unknown_series(name for name, _ in scraped)
