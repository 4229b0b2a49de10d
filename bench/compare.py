"""``python -m bench [NAME ...] --compare REV [--runs N] [--same-harness]``: an A/B of the chosen benchmarks,
commit ``REV`` (the baseline, a git worktree: ``bench/worktree.py``) against the working tree, interleaved in
one run on this machine, as asv's ``continuous`` or pyperf's ``compare_to``.

For each benchmark, ``N`` runs per side in the order A B, B A, A B, ... (``schedule``), each run a process of
its own started from its side's tree (``bench/sides.py``): ``python -m bench NAME --runs 1 --json PATH``, so
each side is measured by its own harness; a commit that predates ``--json`` is measured by the working tree's
``bench/`` (and ``--same-harness`` asks for that), which the output says. Memory (benchmark 5) is the stack at
rest, measured by the working tree's ``bench/memory_probe.py`` on either tree.

Prints one table (``bench/comparison.py``): per figure, each side's median [min - max], the ratio working /
baseline [per-run min - max], which way is better and the verdict; the raw figures of both sides go to
``var/bench/compare-<commit>-<names>-<time>.json`` (or ``--json PATH``). A side that keeps failing stops the
run: what was measured until then is still printed and saved, and the exit code is 1.
"""
from __future__ import annotations

import contextlib
import signal
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bench import memory
from bench.common import Figure, figures_json, save_json
from bench.comparison import Key, gather, rows, table
from bench.sides import OWN_HARNESS, SideFailed, choose_harness, run_benchmark
from bench.worktree import Tree, baseline_tree, short_commit, working_tree

SIDES = ("baseline", "working")


def schedule(names: list[str], runs: int) -> list[tuple[str, int, str]]:
    """(benchmark, run index, side) in the order they run: for each benchmark, the side that goes first
    alternates from one run to the next, so neither always runs on a warmer (or more tired) machine."""
    return [(name, index, side) for name in names for index in range(runs)
            for side in (SIDES if index % 2 == 0 else SIDES[::-1])]


@dataclass
class Side:
    tree: Tree
    harness: str
    figures: dict[Key, Figure] = field(default_factory=dict)


def measure(name: str, index: int, key: str, side: Side, folder: Path) -> list[Figure]:
    what = f"{name} run {index + 1} of {side.tree.label}"
    if name == "memory":
        return memory.at_rest(side.tree.path, f"{index}{key[0]}", folder / f"memory-{index}-{key}.out", what)
    return run_benchmark(name, side.tree.path, folder / f"{name}-{index}-{key}.json", what)


def run_schedule(names: list[str], runs: int, sides: dict[str, Side], folder: Path) -> str | None:
    """Runs every side's runs in ``schedule`` order; returns the failure that stopped it, if one did."""
    for name, index, key in schedule(names, runs):
        print(f"== {name}, run {index + 1}/{runs}: {sides[key].tree.label}", file=sys.stderr, flush=True)
        try:
            gather(sides[key].figures, measure(name, index, key, sides[key], folder))
        except SideFailed as failure:
            return str(failure)
    return None


@contextlib.contextmanager
def sigterm_as_interrupt():
    """A SIGTERM unwinds like a Ctrl-C: the running side stops its stack and the worktree is removed."""
    def interrupt(_signum, _frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(names: list[str], rev: str, runs: int, same_harness: bool = False, json_path: str | None = None) -> int:
    try:
        commit = short_commit(rev)
    except ValueError as error:
        print(f"python -m bench --compare: {error}", file=sys.stderr)
        return 2
    working = Side(working_tree(), OWN_HARNESS)
    try:
        with sigterm_as_interrupt(), baseline_tree(commit) as tree, \
                tempfile.TemporaryDirectory(prefix="guichet-bench-ab-") as folder:
            baseline = Side(tree, choose_harness(tree.path, same_harness))
            failure = run_schedule(names, runs, {"baseline": baseline, "working": working}, Path(folder))
    except KeyboardInterrupt:
        print("\npython -m bench --compare: interrupted; the worktree is removed, nothing is saved", file=sys.stderr)
        return 130
    made = rows(baseline.figures, working.figures)
    data = {"baseline": {"rev": rev, "commit": commit, "harness": baseline.harness},
            "working": {"label": working.tree.label, "harness": working.harness}, "runs": runs,
            "order": [[name, index + 1, key] for name, index, key in schedule(names, runs)],
            "incomplete": failure, "rows": [row.as_dict() for row in made],
            "figures": {key: figures_json(list(side.figures.values()))
                        for key, side in (("baseline", baseline), ("working", working))}}
    path = save_json(data, f"compare-{commit}-{'-'.join(names)}", Path(json_path) if json_path else None)
    print(header(names, runs, commit, rev, baseline.harness, working.tree.label))
    print(table(made, commit))
    print(f"\nraw results: {path}")
    if failure:
        print(f"\nINCOMPLETE: {failure}", file=sys.stderr)
        return 1
    return 0


def header(names: list[str], runs: int, commit: str, rev: str, harness: str, working_label: str) -> str:
    named = commit if rev == commit else f"{commit} ({rev})"
    lines = [f"A/B of {', '.join(names)}: {runs} run(s) per side, in the order A B, B A, A B, ... "
             f"(A = {named}, B = {working_label})",
             f"{commit} measured by {harness}; the working tree by its own bench/"]
    if "memory" in names:
        lines.append("memory: the stack at rest, measured by the working tree's bench/memory_probe.py on both trees")
    return "\n".join(lines) + "\n"
