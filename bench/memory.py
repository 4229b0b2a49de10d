"""Benchmark 5, memory: resident memory (psutil RSS) of every process of the stack, at rest and after
benchmark 3. It is measured inside benchmark 3's runs (``bench.end_to_end``), which this module runs
when it is asked alone (``python -m bench memory``).

A process of the stack is counted with its children (a gunicorn master with its workers, nginx with its
worker): RSS sums count the pages they share once per process. Baselines of the same run: for an API,
the bare Flask app of benchmark 1 (``bench/baseline_app.py``) on the same gunicorn settings; for a worker
or a relay, a bare Python process that imported kombu, SQLAlchemy and psycopg; for "after benchmark 3",
the same process at rest.
"""
from __future__ import annotations

import subprocess

import psutil

from bench.common import Figure

BENCH = "5 memory"
MIB = 1024 * 1024
BARE_PYTHON = "import kombu, sqlalchemy, psycopg, time; time.sleep(3600)"


def tree_rss(pid: int) -> float:
    """RSS in MiB of a process and all its descendants."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total / MIB


def stack_rss(processes: dict[str, subprocess.Popen]) -> dict[str, float]:
    return {name: tree_rss(process.pid) for name, process in processes.items()}


def baseline_for(name: str) -> str:
    if name.endswith("-api") or name == "web":
        return "bare Flask app (gunicorn)"
    if name.endswith(("-worker", "-relay")):
        return "bare Python + kombu/SQLAlchemy/psycopg"
    return ""


def figures(names: list[str]) -> dict[str, Figure]:
    made = {}
    for name in names:
        made[("rest", name)] = Figure(BENCH, f"RSS at rest, {name}", "MiB", baseline_name=baseline_for(name),
                                      higher_is_better=False)
    made[("rest", "total")] = Figure(BENCH, "RSS at rest, whole stack", "MiB", higher_is_better=False)
    for name in names:
        made[("after", name)] = Figure(BENCH, f"RSS after bench 3, {name}", "MiB", baseline_name="at rest",
                                       higher_is_better=False)
    made[("after", "total")] = Figure(BENCH, "RSS after bench 3, whole stack", "MiB", baseline_name="at rest",
                                      higher_is_better=False)
    return made


def add_run(made: dict, rest: dict[str, float], after: dict[str, float], bare: dict[str, float]) -> None:
    for name, value in rest.items():
        made[("rest", name)].add(value, bare.get(baseline_for(name)))
        made[("after", name)].add(after[name], value)
    made[("rest", "total")].add(sum(rest.values()))
    made[("after", "total")].add(sum(after.values()), sum(rest.values()))


def run(runs: int = 3) -> list[Figure]:
    from bench import end_to_end

    if not end_to_end.MEMORY_FIGURES:
        end_to_end.run(runs)
    return end_to_end.MEMORY_FIGURES
