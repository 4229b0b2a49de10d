"""What each process of benchmark 2 spends per event at its fixed load:
``python -m bench.pipeline_cpu [rate] [seconds]``.

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
from bench.common import percentile
from bench.cpu_budget import SERVERS, seconds_of, server_cpu, tree_cpu
from chassis.bus.settings import BusSettings
from chassis.db import Database
from tests.infra import migrated_database, rabbitmq_url, unique_exchange


def snapshot(running) -> dict[str, float]:
    taken = {"relay": tree_cpu(running.relay.pid), "consumer": tree_cpu(running.consumer.pid),
             "producer (this process)": seconds_of(psutil.Process())}
    taken.update({name: server_cpu(names) for name, names in SERVERS.items()})
    return taken


def main(rate: int = pipeline.RATE, seconds: int = pipeline.SECONDS) -> None:
    settings = BusSettings(url=rabbitmq_url(), exchange=unique_exchange("bench"))
    pipe = Pipeline(migrated_database("cards", "bench_pipeline_source"),
                    migrated_database("billing", "bench_pipeline_target"), settings)
    source, target = Database(pipe.source_url), Database(pipe.target_url)
    try:
        pipe.reset()
        running = pipe.start()
        running.release_relay()
        time.sleep(0.5)
        total = rate * seconds
        before, started = snapshot(running), time.monotonic()
        committed_at, offered = pipeline.offer(source, rate, total)
        while pipeline.inbox_count(target) < total:
            time.sleep(0.05)
        elapsed = time.monotonic() - started
        after = snapshot(running)
        consumed = running.stop()
    finally:
        source.dispose()
        target.dispose()
        pipe.delete_bus_objects()
    latencies = [(consumed[event_id] - at) * 1000 for event_id, at in committed_at.items()]
    print(f"{total} events offered at {offered:.0f}/s: p50 {percentile(latencies, 0.5):.1f} ms, "
          f"p99 {percentile(latencies, 0.99):.1f} ms\n")
    print("| process | CPU ms per event | share of 2 cores |\n|---|---|---|")
    spent = {name: 1000 * (after[name] - before[name]) / total for name in before}
    for name, ms in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"| {name} | {ms:.3f} | {ms * total / 1000 / elapsed / 2:.0%} |")
    whole = sum(spent.values())
    print(f"| **all** | **{whole:.3f}** | **{whole * total / 1000 / elapsed / 2:.0%}** |")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:]))
