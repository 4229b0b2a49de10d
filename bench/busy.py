"""``--busy N``: N cores held busy by a plain busy loop for the whole run (issue 22, item 4).

Real deployments share their machine: a target that holds only while the platform has every core to itself
is not met. Each loop is a process of its own (``while True: pass``, no I/O, no memory to speak of), started
before the benchmarks and killed after them, also on failure or Ctrl-C.
"""
from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

BUSY_LOOP = "while True:\n    pass\n"


@contextmanager
def cores_held_busy(count: int) -> Iterator[list[subprocess.Popen]]:
    loops = [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(count)]
    try:
        yield loops
    finally:
        for loop in loops:
            loop.kill()
        for loop in loops:
            loop.wait(timeout=10)
