"""Benchmark 5, memory: RSS and PSS of every process of the real-process stack (each counted with its
children: a gunicorn master with its workers, nginx with its worker).

RSS counts a page once per process that maps it (shared libraries, pages shared after a fork), so its sum
over the stack overstates what the machine gives it; PSS (proportional set size) divides each shared page
among the processes that map it, so its sum is the stack's share of memory. Both are reported.

- ``python -m bench memory``: at rest and after benchmark 3, measured inside benchmark 3's runs
  (``bench.end_to_end``). Baselines of the same run: for an API, the bare Flask app of benchmark 1
  (``bench/baseline_app.py``) on the same gunicorn settings; for a background process, a bare Python
  process that imported kombu, SQLAlchemy and psycopg; for "after benchmark 3", the same process at rest.
- ``python -m bench memory --compare REV``: the stack of commit ``REV`` (a git worktree in a temporary
  folder) and the stack of the working tree, at rest, one after the other in each run (the order
  alternates), with per-process rows and totals (``bench/memory_probe.py`` measures either tree);
  ``bench/compare.py`` runs it as it runs every benchmark's A/B.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.common import Figure
from bench.memory_probe import tree_memory
from bench.sides import run_in
from chassis.config import REPO_ROOT

BENCH = "5 memory"
MEASURES = ("rss", "pss")
BARE_PYTHON = "import kombu, sqlalchemy, psycopg, time; time.sleep(3600)"


def stack_memory(processes: dict[str, subprocess.Popen]) -> dict[str, dict[str, float]]:
    """``{"rss": {name: MiB}, "pss": {name: MiB}}`` of the processes (with their children)."""
    measured = {name: tree_memory(process.pid) for name, process in processes.items()}
    return {measure: {name: values[index] for name, values in measured.items()}
            for index, measure in enumerate(MEASURES)}


def baseline_for(name: str) -> str:
    if name.endswith("-api") or name == "web":
        return "bare Flask app (gunicorn)"
    if name.endswith(("-worker", "-relay", "-sender")):
        return "bare Python + kombu/SQLAlchemy/psycopg"
    return ""


def figures(names: list[str]) -> dict:
    made = {}
    for measure in MEASURES:
        label = measure.upper()
        for name in names:
            made[(measure, "rest", name)] = Figure(BENCH, f"{label} at rest, {name}", "MiB",
                                                   baseline_name=baseline_for(name), higher_is_better=False)
        made[(measure, "rest", "total")] = Figure(BENCH, f"{label} at rest, whole stack", "MiB",
                                                  higher_is_better=False)
        for name in names:
            made[(measure, "after", name)] = Figure(BENCH, f"{label} after bench 3, {name}", "MiB",
                                                    baseline_name="at rest", higher_is_better=False)
        made[(measure, "after", "total")] = Figure(BENCH, f"{label} after bench 3, whole stack", "MiB",
                                                   baseline_name="at rest", higher_is_better=False)
    return made


def add_run(made: dict, rest: dict, after: dict, bare: dict) -> None:
    """One run of ``stack_memory`` at rest and after benchmark 3; ``bare``: measure -> baseline -> MiB."""
    for measure in MEASURES:
        for name, value in rest[measure].items():
            made[(measure, "rest", name)].add(value, bare[measure].get(baseline_for(name)))
            made[(measure, "after", name)].add(after[measure][name], value)
        total = sum(rest[measure].values())
        made[(measure, "rest", "total")].add(total)
        made[(measure, "after", "total")].add(sum(after[measure].values()), total)


def run(runs: int = 3) -> list[Figure]:
    from bench import end_to_end

    if not end_to_end.MEMORY_FIGURES:
        end_to_end.run(runs)
    return end_to_end.MEMORY_FIGURES


# -- at rest, for --compare REV (bench/compare.py) ------------------------------------------------
PROBE_ATTEMPTS = 3  # a stack may fail to start on a shared PostgreSQL short of connections


def at_rest(tree: Path, label: str, output: Path, what: str) -> list[Figure]:
    """One stack of ``tree`` at rest, measured by the working tree's ``bench/memory_probe.py`` running on that
    tree's code (it uses only what ``stack.local`` offered before it existed, so it measures older commits)."""
    run_in(tree, [sys.executable, str(REPO_ROOT / "bench" / "memory_probe.py"), label], what, stdout=output,
           attempts=PROBE_ATTEMPTS)
    return at_rest_figures(json.loads(output.read_text().strip().splitlines()[-1]))


def at_rest_figures(measured: dict[str, dict[str, float]]) -> list[Figure]:
    """The probe's ``{"rss": {process: MiB}, "pss": {...}}`` as figures: each measure's whole stack, then each
    process (a process only one commit has gets a row of its own in the comparison)."""
    made = []
    for measure in MEASURES:
        label, values = measure.upper(), measured[measure]
        made.append(Figure(BENCH, f"{label} at rest, whole stack", "MiB", [sum(values.values())],
                           higher_is_better=False))
        made += [Figure(BENCH, f"{label} at rest, {name}", "MiB", [value], higher_is_better=False)
                 for name, value in sorted(values.items())]
    return made
