"""``python -m bench [name ...] [--runs N]``: runs the benchmarks (all by default) and prints the table.

Names: gateway (1, read and write through nginx vs a bare Flask endpoint), pipeline (2), end_to_end (3,
submission -> invoice -> email at an SMTP server), scale_out (4), memory (5, measured during the runs of
end_to_end; run alone, it runs end_to_end; ``memory --compare REV`` measures the stack of commit REV and of
the working tree at rest, side by side in one run). Figures and their meaning: docs/performance.md.
Raw results go to ``var/bench/<label>-<time>.json``.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from bench.common import save, table
from bench.prerequisites import missing

BENCHMARKS = {"gateway": "bench.gateway", "pipeline": "bench.pipeline", "end_to_end": "bench.end_to_end",
              "scale_out": "bench.scale_out", "memory": "bench.memory"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", default=[], metavar="NAME",
                        help=f"benchmarks to run ({', '.join(BENCHMARKS)}); all when none given")
    parser.add_argument("--runs", type=int, default=3, help="runs of each benchmark (median, min, max); default 3")
    parser.add_argument("--compare", metavar="REV", help="memory only: the stack of commit REV (a git worktree) "
                                                         "beside the working tree's, at rest, in the same run")
    args = parser.parse_args(argv)
    if args.compare and args.names != ["memory"]:
        parser.error("--compare goes with the memory benchmark alone: python -m bench memory --compare REV")
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; choose among {list(BENCHMARKS)}")
    names = args.names or list(BENCHMARKS)
    lacking = missing(names)
    if lacking:
        print("python -m bench: not started, this machine lacks:\n  " + "\n  ".join(lacking), file=sys.stderr)
        return 2
    if args.compare:
        from bench.memory import main_compare

        return main_compare(args.compare, args.runs)
    figures = []
    for name in names:
        print(f"== {name} ({args.runs} runs) ...", file=sys.stderr, flush=True)
        figures += importlib.import_module(BENCHMARKS[name]).run(args.runs)
        print(table(figures), file=sys.stderr, flush=True)
    path = save(figures, "-".join(args.names) or "all")
    print(table(figures))
    print(f"\nraw results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
