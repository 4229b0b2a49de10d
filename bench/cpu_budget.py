"""What each process of the chain spends per submission: ``python -m bench.cpu_budget [burst]``.

Starts benchmark 3's stack with its SMTP sink, prepares ``burst`` requests (300), then submits them all
at once and reads, before and after, the CPU time (user + system, psutil) of every process tree of the
stack, of PostgreSQL's and RabbitMQ's processes and of this process (the load and the sink's reader).
Prints milliseconds of CPU per submission for each, and the rate of the burst. On 2 cores, 2,000 ms of
CPU a second is all there is: the sum bounds the sustainable rate, and the share left idle at 20/s is
what keeps the queues (and benchmark 3's p99) short. ``python -m bench cpu_budget`` (``run``): each process's
figure over several bursts, which ``--compare`` puts side by side for two commits.
"""
from __future__ import annotations

import sys
import time
from urllib.parse import urlsplit

import psutil

from bench.common import Figure
from bench.end_to_end import RATE, Submitter, prepare_requests, smtp_env, wait_emails, warm_up
from bench.platform_stack import Trainer, running_stack
from bench.smtp_sink import SmtpSink

BENCH = "3 chain CPU"
BURST = 300
LOAD = "benchmark process"
PLATFORM = "platform (all but the benchmark process)"
SERVERS = {"postgresql": ("postgres",), "rabbitmq": ("beam.smp", "erl_child_setup", "epmd")}


def seconds_of(process: psutil.Process) -> float:
    try:
        times = process.cpu_times()
        return times.user + times.system
    except psutil.Error:
        return 0.0


def tree_cpu(pid: int) -> float:
    root = psutil.Process(pid)
    return sum(seconds_of(process) for process in [root, *root.children(recursive=True)])


def server_cpu(names: tuple[str, ...], databases: frozenset[str] = frozenset()) -> float:
    """CPU seconds of the server's processes; for PostgreSQL, with ``databases``, only the backends serving
    them: on a machine others run tests on, their backends are not this benchmark's work. (The shared
    background writers are then left out on both sides of a comparison.)"""
    total = 0.0
    for process in psutil.process_iter(["name", "cmdline"]):
        if process.info["name"] not in names:
            continue
        title = " ".join(process.info["cmdline"] or ()).split()  # "postgres: 15/main: <user> <database> ..."
        if databases and "postgres" in names and databases.isdisjoint(title):
            continue
        total += seconds_of(process)
    return total


def database_names(urls) -> frozenset[str]:
    return frozenset(urlsplit(url).path.lstrip("/") for url in urls)


def snapshot(stack) -> dict[str, float]:
    taken = {name: tree_cpu(process.pid) for name, process in stack.processes.items()}
    databases = database_names(stack.layout.database_urls.values())
    taken.update({name: server_cpu(names, databases) for name, names in SERVERS.items()})
    taken[LOAD] = seconds_of(psutil.Process())
    return taken


def measure(burst: int = BURST) -> tuple[dict[str, float], float]:
    """One run: CPU ms per submission of each process, and the burst's seconds."""
    with SmtpSink() as sink, running_stack("cpu", env=smtp_env(sink)) as stack:
        ids, emails = prepare_requests(stack.base_url, burst, "cpu")
        submitter = Submitter(stack.base_url, Trainer(stack.base_url).token)
        warm_up(stack.base_url, sink, submitter, RATE)
        before, started = snapshot(stack), time.monotonic()
        submitter.submit_all(ids, None)
        wait_emails(sink, emails)
        elapsed = time.monotonic() - started
        after = snapshot(stack)
    return {name: 1000 * (after[name] - before[name]) / burst for name in before}, elapsed


def run(runs: int = 3) -> list[Figure]:
    """``python -m bench cpu_budget``: the figures of ``runs`` bursts, for the table and ``--compare``."""
    figures: dict[str, Figure] = {}
    for _ in range(runs):
        spent, _elapsed = measure()
        spent[PLATFORM] = sum(ms for name, ms in spent.items() if name != LOAD)
        for name, ms in spent.items():
            figures.setdefault(name, Figure(BENCH, f"CPU per submission, {name}", "ms",
                                            higher_is_better=False)).add(ms)
    return list(figures.values())


def main(burst: int = BURST) -> None:
    spent, elapsed = measure(burst)
    print(f"{burst} submissions -> {burst} emails in {elapsed:.1f} s ({burst / elapsed:.1f}/s)\n")
    print("| process | CPU ms per submission |\n|---|---|")
    for name, ms in sorted(spent.items(), key=lambda item: -item[1]):
        if ms >= 0.05:
            print(f"| {name} | {ms:.2f} |")
    platform = sum(ms for name, ms in spent.items() if name != LOAD)
    print(f"| **platform (all but the benchmark process)** | **{platform:.1f}** |")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:]))
