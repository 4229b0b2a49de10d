"""One private platform for the reliability suite: its own RabbitMQ node, its own PostgreSQL clusters
(billing alone on one, so that scenario 3 stops *a service's* database), the services' real processes.

Sizes and time boxes (environment; the defaults fit ``.ci/run`` on 2 cores, docs/reliability.md gives
the figures of a full-size run):

| variable | default | meaning |
|---|---|---|
| ``RELIABILITY_SESSIONS`` | ``200`` | card requests submitted and paid in scenarios 1 and 2 (issue: 2,000) |
| ``RELIABILITY_OUTAGE_SESSIONS`` | ``40`` | requests in flight during scenario 3's database outage |
| ``RELIABILITY_OUTAGE_SECONDS`` | ``30`` | how long billing's PostgreSQL stays stopped |
| ``RELIABILITY_SETTLE_SECONDS`` | ``240`` | how long a scenario may take to reach its end state after the faults |
| ``RELIABILITY_THREADS`` | ``6`` | concurrent HTTP clients |
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.infra import missing
from tests.reliability.platform import SERVICES, Platform
from tests.reliability.private_infra import (
    PrivatePostgres,
    PrivateRabbit,
    every_step,
    missing_tools,
    started_in_a_private_folder,
)


def setting(name: str, default: int) -> int:
    return int(os.environ.get(f"RELIABILITY_{name}", default))


def scenario_timeout() -> int:
    """pytest-timeout for one scenario: its own time box, not pytest.ini's 300 s meant for unit tests."""
    return 300 + 2 * setting("SETTLE_SECONDS", 240) + 6 * setting("SESSIONS", 200) // 10


class PrivatePlatform:
    """What a scenario reaches: ``rabbit``, ``clusters`` by name, ``database_urls``, ``platform``."""

    def __init__(self, root: Path):
        self.root = root
        self.rabbit = PrivateRabbit(root / "rabbit")
        self.clusters: dict[str, PrivatePostgres] = {}
        self.platform: Platform | None = None
        self.database_urls: dict[str, str] = {}

    def cluster_of(self, service: str) -> PrivatePostgres:
        return self.clusters["billing" if service == "billing" else "main"]

    def start(self) -> None:
        self.rabbit.start()
        for name in ("main", "billing"):
            self.clusters[name] = PrivatePostgres(name)
            self.clusters[name].start()
        self.database_urls = {service: self.cluster_of(service).create_database(f"guichet_{service}")
                              for service in SERVICES}
        self.platform = Platform(self.root / "platform", self.database_urls, self.rabbit.url, "guichet.events")
        self.platform.start_with_demo_accounts()

    def stop(self) -> None:
        """Every process, then the broker, then the clusters; one failing step does not skip the others."""
        steps = ([self.platform.stop] if self.platform is not None else []) + [self.rabbit.stop]
        steps += [cluster.destroy for cluster in self.clusters.values()]
        every_step(steps)


@pytest.fixture(scope="session")
def private_platform():
    absent = missing_tools()
    if absent:
        missing(f"the reliability suite needs {', '.join(absent)}")
    yield from started_in_a_private_folder("guichet-reliability-", PrivatePlatform)
