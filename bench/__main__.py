"""``python -m bench [name ...] [--runs N]``: runs the benchmarks (all by default) and prints the table.

Names: pipeline (2), scale_out (4), gateway (1), end_to_end (3, also measures 5: memory).
Raw results go to ``var/bench/<label>-<time>.json``.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from bench.common import save, table

BENCHMARKS = {"gateway": "bench.gateway", "pipeline": "bench.pipeline", "end_to_end": "bench.end_to_end",
              "scale_out": "bench.scale_out"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", choices=[[], *BENCHMARKS], default=[], metavar="NAME",
                        help=f"benchmarks to run ({', '.join(BENCHMARKS)}); all when none given")
    parser.add_argument("--runs", type=int, default=3, help="runs of each benchmark (median, min, max); default 3")
    args = parser.parse_args(argv)
    figures = []
    for name in args.names or list(BENCHMARKS):
        print(f"== {name} ({args.runs} runs) ...", file=sys.stderr, flush=True)
        figures += importlib.import_module(BENCHMARKS[name]).run(args.runs)
        print(table(figures), file=sys.stderr, flush=True)
    path = save(figures, "-".join(args.names) or "all")
    print(table(figures))
    print(f"\nraw results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
