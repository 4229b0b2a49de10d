"""What each process of the chain spends per submission: ``python -m bench.cpu_budget [burst]``.

Starts benchmark 3's stack with its SMTP sink, prepares ``burst`` requests (300), then submits them all
at once and reads, before and after, the CPU time (user + system, psutil) of every process tree of the
stack, of PostgreSQL's and RabbitMQ's processes and of this process (the load and the sink's reader).
Prints milliseconds of CPU per submission for each, and the rate of the burst. On 2 cores, 2,000 ms of
CPU a second is all there is: the sum bounds the sustainable rate, and the share left idle at 20/s is
what keeps the queues (and benchmark 3's p99) short.
"""
from __future__ import annotations

import sys
import time

import psutil

from bench.end_to_end import RATE, Submitter, prepare_requests, smtp_env, wait_emails, warm_up
from bench.platform_stack import Trainer, running_stack
from bench.smtp_sink import SmtpSink

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


def server_cpu(names: tuple[str, ...]) -> float:
    return sum(seconds_of(process) for process in psutil.process_iter(["name"]) if process.info["name"] in names)


def snapshot(stack) -> dict[str, float]:
    taken = {name: tree_cpu(process.pid) for name, process in stack.processes.items()}
    taken.update({name: server_cpu(names) for name, names in SERVERS.items()})
    taken["benchmark process"] = seconds_of(psutil.Process())
    return taken


def main(burst: int = 300) -> None:
    with SmtpSink() as sink, running_stack("cpu", env=smtp_env(sink)) as stack:
        ids, emails = prepare_requests(stack.base_url, burst, "cpu")
        submitter = Submitter(stack.base_url, Trainer(stack.base_url).token)
        warm_up(stack.base_url, sink, submitter, RATE)
        before, started = snapshot(stack), time.monotonic()
        submitter.submit_all(ids, None)
        wait_emails(sink, emails)
        elapsed = time.monotonic() - started
        after = snapshot(stack)
    spent = {name: 1000 * (after[name] - before[name]) / burst for name in before}
    print(f"{burst} submissions -> {burst} emails in {elapsed:.1f} s ({burst / elapsed:.1f}/s)\n")
    print("| process | CPU ms per submission |\n|---|---|")
    for name, ms in sorted(spent.items(), key=lambda item: -item[1]):
        if ms >= 0.05:
            print(f"| {name} | {ms:.2f} |")
    platform = sum(ms for name, ms in spent.items() if name != "benchmark process")
    print(f"| **platform (all but the benchmark process)** | **{platform:.1f}** |")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:]))
