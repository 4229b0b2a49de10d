"""Runs a set of processes, prints their output with their name, and restarts one that crashes.

``python -m stack.local`` used honcho, which stops every process when one dies: a worker's crash took
the whole platform down, where compose (``restart: unless-stopped``) and Kubernetes restart just that
container. This supervisor does what they do: a process that exits on its own is started again after a
delay that doubles at each crash in a row (``backoff_start`` up to ``backoff_max`` seconds, as
Kubernetes' CrashLoopBackOff does), and the delay starts over once the process has stayed up
``stable_after`` seconds. SIGINT or SIGTERM stops them all: SIGTERM to each process group (workers
finish their message), SIGKILL after ``stop_timeout`` seconds.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO


@dataclass
class Supervised:
    name: str
    argv: list[str]
    env: dict[str, str]
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    crashes_in_a_row: int = 0
    restart_at: float | None = None
    starts: int = 0
    _reader: threading.Thread | None = field(default=None, repr=False)


class Supervisor:
    def __init__(self, programs: list[tuple[str, list[str], dict[str, str]]], *, cwd: Path,
                 output: TextIO = sys.stdout, backoff_start: float = 1.0, backoff_max: float = 30.0,
                 stable_after: float = 60.0, stop_timeout: float = 15.0, tick: float = 0.2):
        self.programs = [Supervised(name, list(argv), dict(env)) for name, argv, env in programs]
        self.cwd, self.output = cwd, output
        self.backoff_start, self.backoff_max = backoff_start, backoff_max
        self.stable_after, self.stop_timeout, self.tick = stable_after, stop_timeout, tick
        self.stopping = threading.Event()
        self._write_lock = threading.Lock()
        self._width = max((len(p.name) for p in self.programs), default=0)

    # -- output ---------------------------------------------------------------------------------
    def say(self, name: str, line: str) -> None:
        with self._write_lock:
            self.output.write(f"{time.strftime('%H:%M:%S')} {name:<{self._width}} | {line}\n")
            self.output.flush()

    def _copy_output(self, program: Supervised, stream) -> None:
        for raw in iter(stream.readline, b""):
            self.say(program.name, raw.decode(errors="replace").rstrip("\n"))
        stream.close()

    # -- life cycle -----------------------------------------------------------------------------
    def _start(self, program: Supervised) -> None:
        program.process = subprocess.Popen(program.argv, cwd=self.cwd, env=program.env, stdout=subprocess.PIPE,
                                           stderr=subprocess.STDOUT, start_new_session=True)
        program.started_at, program.restart_at = time.monotonic(), None
        program.starts += 1
        program._reader = threading.Thread(target=self._copy_output, args=(program, program.process.stdout),
                                           daemon=True)
        program._reader.start()
        self.say(program.name, f"started (pid {program.process.pid})")

    def _after_exit(self, program: Supervised, code: int, now: float) -> None:
        if now - program.started_at >= self.stable_after:
            program.crashes_in_a_row = 0
        delay = min(self.backoff_start * 2 ** program.crashes_in_a_row, self.backoff_max)
        program.crashes_in_a_row += 1
        program.restart_at = now + delay
        program.process = None
        self.say(program.name, f"exited with code {code}; restarting in {delay:g} s")

    def step(self) -> None:
        """One round: notice exits, start what is due."""
        now = time.monotonic()
        for program in self.programs:
            if program.process is not None:
                code = program.process.poll()
                if code is not None:
                    self._after_exit(program, code, now)
            elif program.restart_at is not None and program.restart_at <= now and not self.stopping.is_set():
                self._start(program)

    def run(self) -> int:
        """Starts everything and supervises until ``stop()`` (or SIGINT/SIGTERM in the main thread)."""
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                signal.signal(signum, lambda *_: self.stopping.set())
        for program in self.programs:
            self._start(program)
        while not self.stopping.wait(self.tick):
            self.step()
        self._stop_all()
        return 0

    def stop(self) -> None:
        self.stopping.set()

    def _stop_all(self) -> None:
        running = [p for p in self.programs if p.process is not None and p.process.poll() is None]
        for program in running:
            with suppress(ProcessLookupError):
                os.killpg(program.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        for program in running:
            try:
                program.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(program.process.pid, signal.SIGKILL)
                program.process.wait(timeout=5)
            self.say(program.name, f"stopped (code {program.process.returncode})")
