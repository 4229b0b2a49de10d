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
  alternates), with per-process rows and totals (``bench/memory_probe.py`` measures either tree).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Figure, save, table
from bench.memory_probe import tree_memory
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


# -- --compare REV --------------------------------------------------------------------------------
def probe(tree: Path, label: str, attempts: int = 3) -> dict[str, dict[str, float]]:
    """One stack of ``tree`` at rest, measured by ``bench/memory_probe.py`` running on that tree's code;
    tried again (up to ``attempts``) when the stack cannot start (a shared PostgreSQL out of connections)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    for attempt in range(1, attempts + 1):
        result = subprocess.run([sys.executable, str(REPO_ROOT / "bench" / "memory_probe.py"), label], cwd=tree,
                                env=env, capture_output=True, text=True, timeout=600)
        if result.returncode == 0:
            return json.loads(result.stdout.strip().splitlines()[-1])
        print(f"  memory probe of {tree} failed (attempt {attempt}/{attempts}):\n{result.stderr[-1500:]}",
              file=sys.stderr, flush=True)
        time.sleep(20)
    raise RuntimeError(f"memory probe of {tree} failed {attempts} times")


def compare(rev: str, runs: int = 3) -> list[Figure]:
    """The stack of ``rev`` and of the working tree at rest, ``runs`` times each, interleaved."""
    commit = subprocess.run(["git", "rev-parse", "--short", rev], cwd=REPO_ROOT, capture_output=True, text=True,
                            check=True).stdout.strip()
    worktree = Path(tempfile.mkdtemp(prefix=f"guichet-memory-{commit}-")) / "tree"
    subprocess.run(["git", "worktree", "add", "--detach", str(worktree), commit], cwd=REPO_ROOT, check=True,
                   capture_output=True)
    trees = {commit: worktree, "working tree": REPO_ROOT}
    results: dict[str, list[dict]] = {label: [] for label in trees}
    try:
        for index in range(runs):
            for label in (list(trees) if index % 2 == 0 else list(reversed(trees))):
                print(f"  run {index + 1}/{runs}: {label}", file=sys.stderr, flush=True)
                results[label].append(probe(trees[label], f"{index}{'a' if label == commit else 'b'}"))
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=REPO_ROOT, capture_output=True)
        shutil.rmtree(worktree.parent, ignore_errors=True)
    made: dict = {}
    for label, measured_runs in results.items():
        for index, measured in enumerate(measured_runs):
            for measure in MEASURES:
                for name, value in measured[measure].items():
                    made.setdefault((measure, label, name), Figure(
                        BENCH, f"{measure.upper()} at rest, {name} ({label})", "MiB", higher_is_better=False,
                    )).add(value)
                # The working tree's ratio is to the same run's total of the commit.
                before = sum(results[commit][index][measure].values()) if label != commit else None
                made.setdefault((measure, label, "total"), Figure(
                    BENCH, f"{measure.upper()} at rest, whole stack ({label})", "MiB",
                    baseline_name=commit if label != commit else "", higher_is_better=False,
                )).add(sum(measured[measure].values()), before)
    return _ordered(made, trees)


def _ordered(made: dict, trees: dict) -> list[Figure]:
    """Totals first, then the processes, each measure's figures for both trees side by side."""
    names = sorted({name for (_, _, name) in made if name != "total"})
    return [made[(measure, label, name)] for measure in MEASURES for name in ("total", *names)
            for label in trees if (measure, label, name) in made]


def main_compare(rev: str, runs: int) -> int:
    figures_made = compare(rev, runs)
    path = save(figures_made, "memory-compare")
    print(table(figures_made))
    print(f"\nraw results: {path}")
    return 0
