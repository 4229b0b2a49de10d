"""README's first command (``./guichet start``) started as a newcomer would: a free port, a fresh data folder,
the embedded defaults (none of the test suite's servers), and its whole process group ended afterwards,
also when it did not start (a start that fails must not leave a platform running behind the run)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
START_SECONDS = 120
# What would point the embedded platform at the suite's servers instead of its own defaults.
SUITE_SETTINGS = {"BUS_URL", "AUTH_JWKS_URL", "PUBLIC_BASE_URL", "PRODUCTIONS_SET_URL", "WEB_API_BASE_URL"}


@dataclass
class EmbeddedPlatform:
    base: str
    log: Path
    data_dir: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def readme_start_command() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.splitlines() if line.startswith("./guichet start"))
    return line.split("#")[0].split()


@contextmanager
def readme_platform(data_dir: Path, password: str) -> Iterator[EmbeddedPlatform]:
    port = free_port()
    env = {name: value for name, value in os.environ.items()
           if not (name.endswith("_DATABASE_URL") or name in SUITE_SETTINGS)}
    env.update(PORT=str(port), GUICHET_DATA_DIR=str(data_dir), GUICHET_DEMO_PASSWORD=password)
    log_path = data_dir / "stdout.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(readme_start_command(), cwd=ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    platform = EmbeddedPlatform(f"http://127.0.0.1:{port}", log_path, data_dir)
    try:
        _wait_until_ready(process, platform)
        yield platform
    finally:
        _end(process)


def _wait_until_ready(process: subprocess.Popen, platform: EmbeddedPlatform) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(f"{platform.base}/api/auth/healthz", timeout=1).status_code == 200 and \
                    "Demo accounts" in platform.log.read_text():
                return
        except requests.RequestException:  # not listening yet, or a loaded machine answering late: ask again
            pass
        time.sleep(0.5)
    state = "exited" if process.poll() is not None else f"did not start in {START_SECONDS} s"
    pytest.fail(f"the platform {state}:\n" + platform.log.read_text()[-3000:])


def _end(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)
