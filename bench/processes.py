"""Extra processes a benchmark starts next to the stack (the baseline app, a second nginx): started in
their own process group, logged to a file, always stopped (SIGTERM, then SIGKILL)."""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import requests

from chassis.config import REPO_ROOT


@contextlib.contextmanager
def background(name: str, argv: list[str], env: dict[str, str], log_dir: Path):
    log_dir.mkdir(parents=True, exist_ok=True)
    with open(log_dir / f"{name}.log", "ab") as log:
        process = subprocess.Popen(argv, cwd=REPO_ROOT, env={**os.environ, "PYTHONPATH": str(REPO_ROOT), **env},
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield process
        finally:
            stop(process)


def stop(process: subprocess.Popen, timeout: float = 15.0) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def wait_http(url: str, process: subprocess.Popen, headers: dict | None = None, timeout: float = 60.0) -> None:
    """Until ``url`` answers 200; fails early when ``process`` exits."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, headers=headers, timeout=2).status_code == 200:
                return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} not answering 200 after {timeout:.0f} s")
        time.sleep(0.2)
