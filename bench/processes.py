"""Extra processes a benchmark starts next to the stack (the baseline app, a second nginx): started by
``stack.supervisor`` in their own process group, logged to a file, always stopped (SIGTERM, then SIGKILL)."""
from __future__ import annotations

import contextlib
import os
import subprocess
import time
from pathlib import Path

import requests

from chassis.config import REPO_ROOT
from stack.supervisor import Supervisor


@contextlib.contextmanager
def background(name: str, argv: list[str], env: dict[str, str], log_dir: Path):
    supervisor = Supervisor([(name, argv, {**os.environ, "PYTHONPATH": str(REPO_ROOT), **env})], cwd=REPO_ROOT,
                            log_dir=log_dir, restart=False)
    supervisor.start_all()
    try:
        yield supervisor.processes[name]
    finally:
        supervisor.stop_all()


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
