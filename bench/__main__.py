"""``python -m bench [name ...] [--runs N]``: runs the benchmarks (all by default) and prints the table.

Names: gateway (1, read and write through nginx vs a bare Flask endpoint), pipeline (2), end_to_end (3,
submission -> invoice -> email at an SMTP server), scale_out (4), memory (5, measured during the runs of
end_to_end; run alone, it runs end_to_end), pipeline_cpu (2's CPU ms per event, process by process),
cpu_budget (3's CPU ms per submission, process by process), read_cpu (1's read against the bare app, CPU ms per
read in one process), steps_cpu (3's heaviest steps, CPU ms each in one process). Figures and their meaning:
docs/performance.md.
Raw results go to ``var/bench/<label>-<time>.json``, or to ``--json PATH``. ``--busy N`` holds N cores busy
with a plain busy loop for the whole run (``bench/busy.py``).

``--compare REV``: an A/B in one run, the chosen benchmarks on commit REV (a git worktree) and on the working
tree, alternately, ``--runs`` times each; prints both sides and their ratio (``bench/compare.py``; memory is
then the stack at rest of either tree). Each side runs ``python -m bench NAME --runs 1 --json PATH`` from
its own tree.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from bench.busy import cores_held_busy
from bench.common import save, table
from bench.prerequisites import missing

BENCHMARKS = {"gateway": "bench.gateway", "pipeline": "bench.pipeline", "end_to_end": "bench.end_to_end",
              "scale_out": "bench.scale_out", "memory": "bench.memory",
              "pipeline_cpu": "bench.pipeline_cpu", "cpu_budget": "bench.cpu_budget", "read_cpu": "bench.read_cpu",
              "steps_cpu": "bench.steps_cpu", "dashboard": "bench.dashboard"}
# Run when named only: they re-run parts of 1, 2 and 3 for CPU figures; dashboard seeds a year of requests first.
ON_REQUEST = ("pipeline_cpu", "cpu_budget", "read_cpu", "steps_cpu", "dashboard")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", default=[], metavar="NAME",
                        help=f"benchmarks to run ({', '.join(BENCHMARKS)}); all but {', '.join(ON_REQUEST)} "
                             "when none given")
    parser.add_argument("--runs", type=int, default=3,
                        help="runs of each benchmark (median, min, max), of each side with --compare; default 3")
    parser.add_argument("--compare", metavar="REV", help="A/B: the benchmarks of commit REV (a git worktree) and "
                                                         "of the working tree, run alternately in one run")
    parser.add_argument("--same-harness", action="store_true",
                        help="with --compare: REV's code measured by the working tree's bench/ (the default when "
                             "REV's python -m bench has no --json)")
    parser.add_argument("--busy", type=int, default=0, metavar="N",
                        help="hold N cores busy with a plain busy loop during the whole run (latency under "
                             "contention); default 0")
    parser.add_argument("--json", metavar="PATH", help="write the raw results (figures with their values per run) "
                                                       "to PATH instead of var/bench/")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs takes 1 or more")
    if args.busy < 0:
        parser.error("--busy takes 0 or more")
    if args.same_harness and not args.compare:
        parser.error("--same-harness goes with --compare REV")
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; choose among {list(BENCHMARKS)}")
    names = list(dict.fromkeys(args.names)) or [name for name in BENCHMARKS if name not in ON_REQUEST]
    lacking = missing(names)
    if lacking:
        print("python -m bench: not started, this machine lacks:\n  " + "\n  ".join(lacking), file=sys.stderr)
        return 2
    with cores_held_busy(args.busy):
        if args.busy:
            print(f"== {args.busy} core(s) held busy by a busy loop", file=sys.stderr, flush=True)
        return _run(args, names)


def _run(args, names: list[str]) -> int:
    if args.compare:
        from bench.compare import main as compare

        return compare(names, args.compare, args.runs, same_harness=args.same_harness, json_path=args.json)
    figures = []
    for name in names:
        print(f"== {name} ({args.runs} runs) ...", file=sys.stderr, flush=True)
        figures += importlib.import_module(BENCHMARKS[name]).run(args.runs)
        print(table(figures), file=sys.stderr, flush=True)
    label = ("-".join(args.names) or "all") + (f"-busy{args.busy}" if args.busy else "")
    path = save(figures, label, Path(args.json) if args.json else None)
    print(table(figures))
    print(f"\nraw results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
