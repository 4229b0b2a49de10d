"""One side of an A/B run: a benchmark run once in a process of its own, started from its tree.

The protocol both sides speak: ``python -m bench NAME --runs 1 --json PATH``, run with the tree as working
directory and ``PYTHONPATH``, writes that run's figures to ``PATH`` (``bench.common.figures_json``). A commit
whose ``python -m bench --help`` has no ``--json`` predates it: the working tree's ``bench/`` is then copied
over the commit's in its (throwaway) worktree and measures the commit's code, which the output says.

A child runs in a session of its own, so a Ctrl-C reaches it from here only: it gets SIGINT as from a
terminal, stops its stack and drops its databases; it gets a second SIGINT if that takes more than
``STOP_SECONDS``, and SIGKILL after as long again.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.common import Figure, load_figures
from bench.worktree import tree_environment
from chassis.config import REPO_ROOT

STOP_SECONDS = 60
OWN_HARNESS = "its own bench/"


class SideFailed(RuntimeError):
    """A side's process kept failing; its output went to stderr."""


def speaks_json(tree: Path) -> bool:
    """Whether the tree's ``python -m bench`` writes its figures with ``--json PATH``."""
    try:
        helped = subprocess.run([sys.executable, "-m", "bench", "--help"], cwd=tree, env=tree_environment(tree),
                                capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return False
    return helped.returncode == 0 and "--json" in helped.stdout


def choose_harness(tree: Path, same_harness: bool) -> str:
    """Makes ``tree`` runnable by the protocol; returns which harness measures it, for the output."""
    if not same_harness and speaks_json(tree):
        return OWN_HARNESS
    shutil.rmtree(tree / "bench", ignore_errors=True)  # a commit from before the benchmarks has none
    shutil.copytree(REPO_ROOT / "bench", tree / "bench", ignore=shutil.ignore_patterns("__pycache__"))
    why = "--same-harness" if same_harness else "its python -m bench has no --json"
    return f"the working tree's bench/ ({why})"


def run_benchmark(name: str, tree: Path, results: Path, what: str, attempts: int = 2) -> list[Figure]:
    """One run of benchmark ``name`` by ``tree``'s own harness; its figures."""
    results.unlink(missing_ok=True)
    run_in(tree, [sys.executable, "-m", "bench", name, "--runs", "1", "--json", str(results)], what,
           attempts=attempts)
    return load_figures(results)


def run_in(tree: Path, argv: list[str], what: str, stdout: Path | None = None, attempts: int = 1,
           pause: float = 20.0) -> None:
    """``argv`` from ``tree`` until it succeeds, ``attempts`` times at most (a stack may fail to start on a
    shared PostgreSQL short of connections). Its stdout goes to ``stdout``, or to this process's stderr."""
    for attempt in range(1, attempts + 1):
        code = _run_once(tree, argv, stdout)
        if code == 0:
            return
        print(f"  {what}: exit code {code} (attempt {attempt}/{attempts})", file=sys.stderr, flush=True)
        if attempt < attempts:
            time.sleep(pause)
    raise SideFailed(f"{what} failed {attempts} time(s), last exit code {code}; its output is above")


def _run_once(tree: Path, argv: list[str], stdout: Path | None) -> int:
    start = dict(cwd=tree, env=tree_environment(tree), start_new_session=True, preexec_fn=_interruptible)
    if stdout is None:
        return _wait(subprocess.Popen(argv, stdout=sys.stderr.fileno(), **start))
    with stdout.open("w") as sink:
        return _wait(subprocess.Popen(argv, stdout=sink, **start))


def _interruptible() -> None:
    """In the child before it runs: a SIGINT stops it as a Ctrl-C would, even when this process was started
    with SIGINT ignored (in the background of a shell), which children inherit."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _wait(process: subprocess.Popen) -> int:
    try:
        return process.wait()
    except BaseException:  # Ctrl-C, SIGTERM (bench.compare makes it a KeyboardInterrupt), anything
        stop(process)
        raise


def stop(process: subprocess.Popen) -> None:
    """SIGINT to the child's process group, as a terminal's Ctrl-C; a second one if it has not ended after
    ``STOP_SECONDS`` (a first one can land in a broker read that then waits forever), then SIGKILL."""
    for number in (signal.SIGINT, signal.SIGINT, signal.SIGKILL):
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, number)
            process.wait(STOP_SECONDS)
            return
        except subprocess.TimeoutExpired:
            continue
        except KeyboardInterrupt:  # Ctrl-C again here: on to the next, stronger step
            continue
        except ProcessLookupError:
            return
    process.wait()
