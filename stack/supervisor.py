"""Runs named processes, each in its own process group: the one piece of process supervision of the
repository (``python -m stack.local``, isolated copies for tests and benchmarks, tests/reliability).

- Output: with ``log_dir``, each process writes to ``<log_dir>/<name>.log``; without, its lines are
  printed on ``output`` prefixed with its name.
- ``restart=True`` (``python -m stack.local``): a process that exits on its own is started again after a
  delay that doubles at each crash in a row (``backoff_start`` up to ``backoff_max`` seconds, as
  Kubernetes' CrashLoopBackOff does; compose's ``restart: unless-stopped`` restarts just that container
  too), and the delay starts over once the process has stayed up ``stable_after`` seconds. With
  ``restart=False`` (tests, benchmarks) an exit is left for the caller to see in ``exited()``.
- ``kill(name)`` is a crash on purpose (SIGKILL of the group: gunicorn's workers too); ``start(name)``
  runs the same command again.
- ``stop_all()`` (or SIGINT/SIGTERM while ``run()`` is in the main thread): SIGTERM to each process group
  (workers finish their message), SIGKILL after ``stop_timeout`` seconds, and SIGKILL of whatever is left
  in the group (a gunicorn worker whose arbiter went first).
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


def end_group(process: subprocess.Popen, timeout: float = 15.0, terminate: bool = True) -> None:
    """SIGTERM to the process's group (unless already sent: ``terminate=False``), SIGKILL after ``timeout``;
    then SIGKILL of what is left in the group."""
    if terminate and process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=timeout)
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


class Supervisor:
    def __init__(self, programs: list[tuple[str, list[str], dict[str, str]]], *, cwd: Path,
                 output: TextIO = sys.stdout, log_dir: Path | None = None, restart: bool = True,
                 backoff_start: float = 1.0, backoff_max: float = 30.0, stable_after: float = 60.0,
                 stop_timeout: float = 15.0, tick: float = 0.2):
        self.programs = [Supervised(name, list(argv), dict(env)) for name, argv, env in programs]
        self.cwd, self.output, self.log_dir, self.restart = cwd, output, log_dir, restart
        self.backoff_start, self.backoff_max = backoff_start, backoff_max
        self.stable_after, self.stop_timeout, self.tick = stable_after, stop_timeout, tick
        self.stopping = threading.Event()
        self._write_lock = threading.Lock()
        self._width = max((len(p.name) for p in self.programs), default=0)

    def program(self, name: str) -> Supervised:
        return next(program for program in self.programs if program.name == name)

    @property
    def processes(self) -> dict[str, subprocess.Popen]:
        """The current process of every program started at least once."""
        return {p.name: p.process for p in self.programs if p.process is not None}

    # -- output ---------------------------------------------------------------------------------
    def say(self, name: str, line: str) -> None:
        if self.log_dir is not None:
            return
        with self._write_lock:
            self.output.write(f"{time.strftime('%H:%M:%S')} {name:<{self._width}} | {line}\n")
            self.output.flush()

    def _copy_output(self, program: Supervised, stream) -> None:
        for raw in iter(stream.readline, b""):
            self.say(program.name, raw.decode(errors="replace").rstrip("\n"))
        stream.close()

    def log_tail(self, name: str, chars: int = 3000) -> str:
        path = self.log_dir / f"{name}.log" if self.log_dir is not None else None
        return path.read_text(errors="replace")[-chars:] if path is not None and path.exists() else ""

    # -- life cycle -----------------------------------------------------------------------------
    def start(self, name: str) -> None:
        self._start(self.program(name))

    def _start(self, program: Supervised) -> None:
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            with open(self.log_dir / f"{program.name}.log", "ab") as log:  # the child keeps its own copy
                program.process = subprocess.Popen(program.argv, cwd=self.cwd, env=program.env, stdout=log,
                                                   stderr=subprocess.STDOUT, start_new_session=True)
        else:
            program.process = subprocess.Popen(program.argv, cwd=self.cwd, env=program.env,
                                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                               start_new_session=True)
            program._reader = threading.Thread(target=self._copy_output, args=(program, program.process.stdout),
                                               daemon=True)
            program._reader.start()
        program.started_at, program.restart_at = time.monotonic(), None
        program.starts += 1
        self.say(program.name, f"started (pid {program.process.pid})")

    def start_all(self) -> None:
        for program in self.programs:
            self._start(program)

    def kill(self, name: str) -> None:
        """SIGKILL of the process and its children (gunicorn's workers), as a crash would."""
        process = self.program(name).process
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def exited(self) -> dict[str, int]:
        return {name: process.returncode for name, process in self.processes.items() if process.poll() is not None}

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
                if code is not None and self.restart:
                    self._after_exit(program, code, now)
            elif program.restart_at is not None and program.restart_at <= now and not self.stopping.is_set():
                self._start(program)

    def run(self) -> int:
        """Starts everything and supervises until ``stop()`` (or SIGINT/SIGTERM in the main thread)."""
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                signal.signal(signum, lambda *_: self.stopping.set())
        self.start_all()
        while not self.stopping.wait(self.tick):
            self.step()
        self.stop_all()
        return 0

    def stop(self) -> None:
        self.stopping.set()

    def stop_all(self) -> None:
        running = [p for p in self.programs if p.process is not None and p.process.poll() is None]
        for program in running:
            with suppress(ProcessLookupError):
                os.killpg(program.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        for program in running:
            end_group(program.process, timeout=max(0.1, deadline - time.monotonic()), terminate=False)
            self.say(program.name, f"stopped (code {program.process.returncode})")
