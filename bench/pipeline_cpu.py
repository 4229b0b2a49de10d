"""What each process of benchmark 2 spends per event at its fixed load:
``python -m bench.pipeline_cpu [rate] [seconds]``.

Also ``python -m bench pipeline_cpu`` (``run``): each process's figure over several runs, which
``--compare`` puts side by side for two commits.

Runs benchmark 2's latency part once (``rate`` events/s offered, default 500, for ``seconds``, default 6)
and reads, before and after, the CPU time (user + system, psutil) of the relay's and the consumer's
processes, of PostgreSQL's and RabbitMQ's processes and of this process (the producer threads). Prints
milliseconds of CPU per event for each and the share of the 2 cores in use, with the run's p50/p99: on
2 cores the sum per event x the rate is how busy the machine is, and a saturated machine queues.
"""
from __future__ import annotations

import sys
import time

import psutil

from bench import pipeline
from bench.bus_fixture import Pipeline
from bench.common import Figure, percentile
from bench.cpu_budget import SERVERS, database_names, seconds_of, server_cpu, tree_cpu
from chassis.bus.settings import BusSettings
from chassis.db import Database
from tests.infra import migrated_database, rabbitmq_url, unique_exchange

BENCH = "2 pipeline CPU"
ALL = "all five"


def snapshot(running, databases: frozenset[str]) -> dict[str, float]:
    taken = {"relay": tree_cpu(running.relay.pid), "consumer": tree_cpu(running.consumer.pid),
             "producer (this process)": seconds_of(psutil.Process())}
    taken.update({name: server_cpu(names, databases) for name, names in SERVERS.items()})
    return taken


def measure(rate: int = pipeline.RATE, seconds: float = pipeline.SECONDS) -> tuple[dict[str, float], list[float], float,
                                                                                   float]:
    """One run: CPU ms per event of each process, the latencies (ms), the rate offered and the run's seconds."""
    settings = BusSettings(url=rabbitmq_url(), exchange=unique_exchange("bench"))
    pipe = Pipeline(migrated_database("cards", "bench_pipeline_source"),
                    migrated_database("billing", "bench_pipeline_target"), settings)
    source, target = Database(pipe.source_url), Database(pipe.target_url)
    try:
        pipe.reset()
        running = pipe.start()
        running.release_relay()
        time.sleep(0.5)
        total = int(rate * seconds)
        databases = database_names((pipe.source_url, pipe.target_url))
        before, started = snapshot(running, databases), time.monotonic()
        committed_at, offered = pipeline.offer(source, rate, total)
        while pipeline.inbox_count(target) < total:
            time.sleep(0.05)
        elapsed = time.monotonic() - started
        after = snapshot(running, databases)
        consumed = running.stop()
    finally:
        source.dispose()
        target.dispose()
        pipe.delete_bus_objects()
    latencies = [(consumed[event_id] - at) * 1000 for event_id, at in committed_at.items()]
    return {name: 1000 * (after[name] - before[name]) / total for name in before}, latencies, offered, elapsed


def run(runs: int = 3) -> list[Figure]:
    """``python -m bench pipeline_cpu``: the figures of ``runs`` runs, for the table and ``--compare``."""
    figures: dict[str, Figure] = {}
    for _ in range(runs):
        spent, _latencies, _offered, _elapsed = measure()
        spent[ALL] = sum(spent.values())
        for name, ms in spent.items():
            figures.setdefault(name, Figure(BENCH, f"CPU per event at {pipeline.RATE} ev/s, {name}", "ms",
                                            higher_is_better=False)).add(ms)
    return list(figures.values())


def main(rate: int = pipeline.RATE, seconds: int = pipeline.SECONDS) -> None:
    spent, latencies, offered, elapsed = measure(rate, seconds)
    total = int(rate * seconds)
    print(f"{total} events offered at {offered:.0f}/s: p50 {percentile(latencies, 0.5):.1f} ms, "
          f"p99 {percentile(latencies, 0.99):.1f} ms\n")
    print("| process | CPU ms per event | share of 2 cores |\n|---|---|---|")
    for name, ms in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"| {name} | {ms:.3f} | {ms * total / 1000 / elapsed / 2:.0%} |")
    whole = sum(spent.values())
    print(f"| **all** | **{whole:.3f}** | **{whole * total / 1000 / elapsed / 2:.0%}** |")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:]))
