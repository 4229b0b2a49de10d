"""``python -m stack.worker_and_relay``: a crash of the relay's loop ends the worker's process with code 1
(so the supervisor starts both again), and a SIGTERM stops both with code 0. The service here is a stand-in
package (its worker waits for SIGTERM; its config fails when the relay's thread asks for it)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from chassis.config import REPO_ROOT

CONFIG = """
    import threading
    from types import SimpleNamespace

    def load_config():
        if threading.current_thread() is not threading.main_thread() and {relay_fails}:
            raise RuntimeError("the relay's configuration is broken")
        return SimpleNamespace(service="standin", log_level="INFO", database_url="sqlite:///{folder}/standin.db",
                               bus_url="memory://", bus_exchange="guichet.standin")
"""
WORKER = """
    import time

    from chassis.bus.runner import stop_on_signals

    def main():
        time.sleep({slow_start})  # a worker still importing and configuring when the relay fails
        stopped = stop_on_signals()
        print("worker.started", flush=True)  # its SIGTERM handler is set
        stopped.wait(60)
        print("worker.stopped", flush=True)
"""


def _stand_in(tmp_path: Path, relay_fails: bool, slow_start: float = 0.0) -> subprocess.Popen:
    package = tmp_path / "services" / "standin"
    package.mkdir(parents=True)
    (tmp_path / "services" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "config.py").write_text(textwrap.dedent(CONFIG.format(relay_fails=relay_fails, folder=tmp_path)))
    (package / "worker.py").write_text(textwrap.dedent(WORKER.format(slow_start=slow_start)))
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{REPO_ROOT}"}
    return subprocess.Popen([sys.executable, "-m", "stack.worker_and_relay", "standin"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.mark.parametrize("slow_start", [0.0, 1.5])
def test_a_crashed_relay_ends_the_process_with_code_1(tmp_path, slow_start):
    process = _stand_in(tmp_path, relay_fails=True, slow_start=slow_start)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 1, output
    assert "relay.crashed" in output and "worker.stopped" in output


def test_sigterm_stops_the_worker_and_the_relay_with_code_0(tmp_path):
    process = _stand_in(tmp_path, relay_fails=False)
    lines = iter(process.stdout.readline, "")
    # The relay's thread logs on the same stdout: its lines may come first, or share a line with this one.
    assert any("worker.started" in line for line in lines), "the worker never said it started"
    time.sleep(1.0)  # the relay's loop is running (on a database without an outbox: it retries)
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert "worker.stopped" in output
