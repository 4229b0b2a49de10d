"""Profiles one billing worker draining a backlog with py-spy: ``python -m bench.profile_worker [events]``.

Writes ``var/bench/profiles/billing-worker.txt`` (py-spy's collapsed stacks; the top frames by own
and total time are printed).
"""
from __future__ import annotations

import collections
import subprocess
import sys
import time

from bench.common import RESULTS_DIR
from bench.scale_out import billing_workers, delete_bus_objects, empty_billing_database, invoice_count, publish_backlog
from chassis.bus.consumer import Consumer
from chassis.bus.settings import BusSettings
from chassis.db import Database
from services.billing.consumers import HANDLERS
from tests.infra import migrated_database, rabbitmq_url, unique_exchange


def summarize(collapsed: str, top: int = 25) -> str:
    own, total, samples = collections.Counter(), collections.Counter(), 0
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        frames, count = stack.split(";"), int(count)
        samples += count
        own[frames[-1]] += count
        for frame in set(frames):
            total[frame] += count
    lines = [f"{samples} samples", "-- own time --"]
    lines += [f"{100 * c / samples:5.1f}%  {f}" for f, c in own.most_common(top)]
    lines += ["-- total time (frame on the stack) --"]
    lines += [f"{100 * c / samples:5.1f}%  {f}" for f, c in total.most_common(top)]
    return "\n".join(lines)


def main(events: int = 3000) -> None:
    settings = BusSettings(url=rabbitmq_url(), exchange=unique_exchange("benchprof"))
    db = Database(migrated_database("billing", "bench_profile"))
    Consumer(service="billing", db=db, handlers=HANDLERS, settings=settings).declare()
    empty_billing_database(db)
    publish_backlog(settings, events)
    supervisor = billing_workers(db.url, settings, 1)
    supervisor.start_all()
    worker = next(iter(supervisor.processes.values()))
    out = RESULTS_DIR / "profiles" / "billing-worker.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    time.sleep(2)
    spy = subprocess.run([sys.executable.replace("python", "py-spy"), "record", "--pid", str(worker.pid),
                          "--duration", "15", "--rate", "200", "--format", "raw", "--output", str(out),
                          "--nonblocking"], capture_output=True, text=True)
    print(spy.stderr[-500:], file=sys.stderr)
    supervisor.stop_all()
    print(f"{invoice_count(db)} invoices while profiling")
    print(summarize(out.read_text()))
    db.dispose()
    delete_bus_objects(settings)


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:]))
