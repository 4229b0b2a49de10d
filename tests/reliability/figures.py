"""Each scenario's figure line ("N published, K kills, lost 0, duplicated 0"), printed and, when
``RELIABILITY_REPORT`` names a file, appended to it as one JSON line (docs/reliability.md's tables)."""
from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from threading import Event, Thread


def report(scenario: str, **figures) -> str:
    line = f"[reliability] {scenario}: " + ", ".join(f"{name}={value}" for name, value in figures.items())
    print(line, flush=True)
    path = os.environ.get("RELIABILITY_REPORT")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"scenario": scenario, "at": time.strftime("%Y-%m-%dT%H:%M:%S"), **figures},
                                    default=str) + "\n")
    return line


class FaultPlan(Thread):
    """Runs fault actions in order, each once its condition holds (checked every 0.2 s)."""

    def __init__(self, steps: list[tuple[str, Callable[[], bool], Callable[[], None]]], timeout: float):
        super().__init__(daemon=True, name="faults")
        self.steps = steps
        self.timeout = timeout
        self.done: list[str] = []
        self.progress_at_fault: dict[str, str] = {}
        self.error: BaseException | None = None
        self.stop_event = Event()

    def run(self) -> None:
        deadline = time.monotonic() + self.timeout
        try:
            for name, condition, action in self.steps:
                while not condition():
                    if self.stop_event.is_set() or time.monotonic() > deadline:
                        return
                    time.sleep(0.2)
                action()
                self.done.append(name)
        except BaseException as error:  # reported by the test, never swallowed
            self.error = error
