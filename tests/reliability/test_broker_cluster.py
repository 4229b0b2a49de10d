"""Issue 21, item 5: a three-node RabbitMQ cluster loses the node that leads the queues, then another.

The platform's processes (``platform.py``) run against a cluster of the test's own (``cluster.py``: nodes a, b, c
on this machine): ``BUS_URL`` names the three nodes (kombu's failover syntax) and the platform's own user, whose
password is given apart (``BUS_PASSWORD``, as compose does), and the queues are quorum queues
(``BUS_QUEUE_TYPE=quorum``, ``BUS_DELIVERY_LIMIT``). Card requests are submitted in three waves while staff pay the
invoices as they come. Halfway through the first wave, while its events are still on their way, the node that leads
most of the services' queues is SIGKILLed; it stays down (at least ``NODE_DOWN_SECONDS``) until every consumer
resumed: applied an event that reached it through the broker after the kill (``recovery.py``); then it boots again
and rejoins. Halfway through the second
wave the node that leads most queues then (another one) is SIGKILLed the same way. Publishers and consumers move to
a surviving node by themselves (``chassis.bus.connection``); each process starts on a node of its own, so each loss
cuts some of their connections as well as the queues' leaders.

Checked: each loss recovered while the lost node was still down (every consumer resumed, so through the two
surviving nodes); every request ends paid in cards with one invoice,
one payment, one invoice email and one receipt email (lost 0, duplicated 0). The time to recover after each loss
(the slowest of the relays and of the consumers the loss reached, ``recovery.py``) is printed and written, with the
other figures, to ``var/reliability/broker-cluster-<size>.json``.

Size: ``RELIABILITY_CLUSTER_SESSIONS`` (200 in CI; the issue's full size is 2,000: docs/reliability.md).
"""
from __future__ import annotations

import json
import secrets
import threading
import time
from collections import Counter
from contextlib import suppress
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from chassis.bus.settings import BusSettings
from chassis.config import REPO_ROOT
from tests.infra import missing
from tests.reliability.bus_state import queue_depth
from tests.reliability.cluster import RABBITMQCTL, RabbitCluster
from tests.reliability.conftest import setting
from tests.reliability.figures import report
from tests.reliability.outcome import inbox_rows, published_events, wait_for_outcome
from tests.reliability.platform import CONSUMERS, SERVICES, TEST_ENVIRONMENT, Platform
from tests.reliability.private_infra import PrivatePostgres, every_step, missing_tools, started_in_a_private_folder
from tests.reliability.recovery import consumers_after, first_published_after, wait_until_resumed
from tests.reliability.workload import Workload

EXCHANGE = "guichet.events"
BUS_USER = "guichet"
SIZE = setting("CLUSTER_SESSIONS", 200)
SETTLE = setting("SETTLE_SECONDS", 240)
NODE_DOWN_SECONDS = 5.0  # at least: the platform runs on two nodes for a while before the lost one comes back
PREFETCH = int(TEST_ENVIRONMENT.get("BUS_PREFETCH", BusSettings().prefetch))  # what the consumers hold (recovery.py)

# One worker runs the whole suite's platforms one after the other (tests/conftest.py groups them under xdist).
pytestmark = [pytest.mark.reliability, pytest.mark.xdist_group("reliability"),
              pytest.mark.timeout(600 + 3 * SETTLE + 6 * SIZE // 10)]


class ClusterPlatform(Platform):
    """The platform as ``platform.py`` runs it, with ``bus`` added to every process's environment (the cluster's
    URL, user and queue type); ``layout.bus_url`` stays the guest URL the test's own checks use."""

    def __init__(self, *args, bus: dict[str, str], **kwargs):
        self.bus = bus
        super().__init__(*args, **kwargs)

    def _spec(self, name: str):
        spec = super()._spec(name)
        return replace(spec, env={**spec.env, **self.bus})


class ClusterStack:
    """``cluster`` (three RabbitMQ nodes), one PostgreSQL cluster for the four databases, ``platform``."""

    def __init__(self, root: Path):
        self.root = root
        self.cluster = RabbitCluster(root / "rabbit")
        self.postgres: PrivatePostgres | None = None
        self.platform: ClusterPlatform | None = None
        self.database_urls: dict[str, str] = {}

    def start(self) -> None:
        self.cluster.start()
        password = secrets.token_urlsafe(16)
        self.cluster.add_user(BUS_USER, password)
        self.postgres = PrivatePostgres("cluster")
        self.postgres.start()
        self.database_urls = {service: self.postgres.create_database(f"guichet_{service}") for service in SERVICES}
        bus = {"BUS_URL": self.cluster.url_of(BUS_USER), "BUS_PASSWORD": password, "BUS_QUEUE_TYPE": "quorum",
               "BUS_DELIVERY_LIMIT": "20"}
        self.platform = ClusterPlatform(self.root / "platform", self.database_urls, self.cluster.url, EXCHANGE,
                                        bus=bus)
        self.platform.start_with_demo_accounts()

    def stop(self) -> None:
        """Every process, then the nodes, then PostgreSQL; one failing step does not skip the others."""
        steps = [step for step in (self.platform and self.platform.stop, self.cluster.stop,
                                   self.postgres and self.postgres.destroy) if step]
        every_step(steps)


@pytest.fixture
def cluster_stack():
    absent = missing_tools() + ([str(RABBITMQCTL)] if not RABBITMQCTL.exists() else [])
    if absent:
        missing(f"the broker cluster scenario needs {', '.join(absent)}")
    yield from started_in_a_private_folder("guichet-reliability-cluster-", ClusterStack)


class Background(threading.Thread):
    """A step of the workload in a thread of its own; its error, if any, is raised by ``finish``."""

    def __init__(self, function, *args):
        super().__init__(daemon=True)
        self.function, self.args, self.error = function, args, None

    def run(self) -> None:
        try:
            self.function(*self.args)
        except BaseException as error:  # raised again by finish()
            self.error = error

    def finish(self, timeout: float) -> None:
        self.join(timeout)
        if self.error is not None:
            raise self.error
        assert not self.is_alive(), f"{self.function.__name__} still running after {timeout:.0f} s"


def main_queues() -> list[str]:
    return [f"{EXCHANGE}.{service}" for service in CONSUMERS]


def leading_node(cluster: RabbitCluster, spared: list[str]) -> tuple[str, list[str]]:
    """The node (not in ``spared``) that leads most of the services' queues, and those queues."""
    leaders = cluster.leaders(prefix=EXCHANGE)
    led = Counter(leaders[queue] for queue in main_queues() if leaders.get(queue) not in spared)
    assert led, f"no node outside {spared} leads a service queue: {leaders}"
    node = led.most_common(1)[0][0]
    return node, [queue for queue in main_queues() if leaders.get(queue) == node]


def reconnections(platform: Platform) -> dict[str, int]:
    """Broker failures each bus process noticed and recovered from (its ``*.failed`` log lines)."""
    return {name: platform.log_count(name, "consumer.failed") + platform.log_count(name, "relay.failed")
            for name in platform.processes if not name.endswith("-api")}


def redeliveries_skipped(platform: Platform) -> int:
    """Deliveries the consumers' inboxes recognised as already applied (their log lines)."""
    return sum(platform.log_count(f"{service}-worker", "consumer.duplicate_skipped") for service in CONSUMERS)


def consumers_failed_after(platform: Platform, since: float) -> dict[str, float]:
    """Consumer -> when its worker logged its first broker failure (``consumer.failed``) after ``since``."""
    found = {}
    for service in CONSUMERS:
        path = platform.logs / f"{service}-worker.log"
        for line in path.read_text(errors="replace").splitlines() if path.exists() else []:
            if '"consumer.failed"' not in line:
                continue
            with suppress(ValueError, KeyError):
                moment = datetime.fromisoformat(json.loads(line)["timestamp"].replace("Z", "+00:00")).timestamp()
                if moment > since:
                    found[service] = moment
                    break
    return found


def lose_node(stack: ClusterStack, workload: Workload, wave: list[str], spared: list[str]) -> dict:
    """Submits the first half of ``wave``, SIGKILLs the node leading most queues, submits the second half (events
    emitted after the kill, for every consumer), waits until every consumer resumed (``recovery.py``), then boots the
    node again; returns what happened."""
    cluster, platform = stack.cluster, stack.platform
    node, led = leading_node(cluster, spared)
    failures_before = reconnections(platform)
    workload.submit_all(wave[:len(wave) // 2])
    loss = {"node": node, "led": led, "submitted": len(workload.submitted), "paid": len(workload.paid)}
    killed_at = time.time()
    cluster.kill(cluster.node(node))
    submitter = Background(workload.submit_all, wave[len(wave) // 2:])
    submitter.start()
    resumed = wait_until_resumed(stack.database_urls, killed_at, PREFETCH, timeout=SETTLE,
                                 failed_at=lambda: consumers_failed_after(platform, killed_at))
    submitter.finish(timeout=SETTLE)
    time.sleep(max(0.0, killed_at + NODE_DOWN_SECONDS - time.time()))
    loss["killed_at"] = killed_at
    loss["down_seconds"] = round(time.time() - killed_at, 1)
    loss["resumed_by_consumer"] = resumed
    loss["first_publish_by_relay"] = first_published_after(stack.database_urls, killed_at)
    # A consumer whose connection and queue leader were both elsewhere went on with what it had queued; the loss
    # reached it only through the relays (whose confirms also wait for the leaders of the queues they feed).
    failed = consumers_failed_after(platform, killed_at)
    loss["affected_consumers"] = [service for service in CONSUMERS
                                  if service in failed or f"{EXCHANGE}.{service}" in led]
    stalls = [*loss["first_publish_by_relay"].values(), *(resumed[name] for name in loss["affected_consumers"])]
    loss["recovery_seconds"] = max((seconds for seconds in stalls if seconds is not None), default=None)
    loss["reconnected"] = {name: count - failures_before.get(name, 0)
                           for name, count in reconnections(platform).items() if count > failures_before.get(name, 0)}
    loss["leaders_after"] = {queue: leader for queue, leader in cluster.leaders(prefix=EXCHANGE).items()
                             if queue in main_queues()}
    loss["restart_seconds"] = round(cluster.restart(cluster.node(node)), 1)
    return loss


def write_figures(figures: dict) -> Path:
    folder = REPO_ROOT / "var" / "reliability"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"broker-cluster-{figures['requests']}.json"
    path.write_text(json.dumps({"at": time.strftime("%Y-%m-%dT%H:%M:%S"), **figures}, indent=2, default=str))
    return path


def test_losing_the_leading_node_then_another_loses_nothing_and_doubles_nothing(cluster_stack):
    stack, cluster, platform = cluster_stack, cluster_stack.cluster, cluster_stack.platform
    leaders = cluster.leaders(prefix=EXCHANGE)
    assert set(main_queues()) <= set(leaders), f"the services' queues are not quorum queues: {leaders}"

    workload = Workload(platform, "cluster", threads=setting("THREADS", 6))
    session_ids = workload.create(SIZE)
    published_before = published_events(stack.database_urls)
    inbox_before = inbox_rows(stack.database_urls)
    skipped_before = redeliveries_skipped(platform)
    stop_paying = threading.Event()
    payer = Background(workload.pay_until_done, stop_paying, 4 * SETTLE)
    waves = [session_ids[:SIZE // 3], session_ids[SIZE // 3:2 * SIZE // 3], session_ids[2 * SIZE // 3:]]
    losses: list[dict] = []
    began = time.monotonic()
    payer.start()
    for wave in waves[:2]:  # a node lost halfway through each of the first two waves
        losses.append(lose_node(stack, workload, wave, spared=[loss["node"] for loss in losses]))
    workload.submit_all(waves[2])
    payer.finish(timeout=4 * SETTLE)
    outcome, waited = wait_for_outcome(stack.database_urls, platform.mail_folder, session_ids, timeout=SETTLE)
    stop_paying.set()
    elapsed = time.monotonic() - began

    for loss in losses:  # known only now: how long events emitted at the kill waited behind the ones queued before
        loss["first_fresh_event_by_consumer"] = {
            consumer: figures["fresh"]
            for consumer, figures in consumers_after(stack.database_urls, loss.pop("killed_at"), PREFETCH).items()}
    published = {name: count - published_before[name] for name, count in published_events(stack.database_urls).items()}
    applied = {name: count - inbox_before[name] for name, count in inbox_rows(stack.database_urls).items()}
    dead = {service: queue_depth(cluster.url, f"{EXCHANGE}.{service}.dead") for service in CONSUMERS}
    figures = dict(requests=SIZE, published=sum(published.values()), published_by=published, applied_by=applied,
                   kills=len(cluster.kills), losses=losses,
                   recovery_seconds=[loss["recovery_seconds"] for loss in losses],
                   lost=outcome.lost_total, duplicated=outcome.duplicated_total,
                   redeliveries_skipped=redeliveries_skipped(platform) - skipped_before, dead_lettered=dead,
                   seconds=round(elapsed, 1), settle_seconds=round(waited, 1))
    report("broker cluster, leading node SIGKILLed then another", **figures)
    print(f"[reliability] figures written to {write_figures(figures)}", flush=True)

    assert len(losses) == 2 and losses[0]["node"] != losses[1]["node"], losses
    for loss in losses:
        assert all(seconds is not None for seconds in loss["resumed_by_consumer"].values()), \
            f"events stopped flowing while {loss['node']} was down: {loss}"
    assert outcome.complete, outcome.summary()
    assert outcome.duplicated_total == 0, outcome.summary()
    assert outcome.invoiced_once == outcome.paid_once == outcome.cards_paid == SIZE, outcome.summary()
    assert outcome.invoice_emails_once == outcome.payment_emails_once == SIZE, outcome.summary()
