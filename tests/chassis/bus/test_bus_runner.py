"""The process mains: a relay process and a worker process carry an event, then stop on SIGTERM."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from kombu import Connection

from chassis.config import REPO_ROOT
from tests.chassis.bus.support import effect_count, emit

pytestmark = [pytest.mark.integration, pytest.mark.timeout(90)]

RELAY = "from chassis.config import ServiceConfig as C; from chassis.bus.runner import run_relay; " \
        "run_relay(C.from_env('bustest'))"
WORKER = "from chassis.config import ServiceConfig as C; from chassis.bus.runner import run_worker; " \
         "from tests.chassis.bus.support import EVENT_TYPE, record_effect; " \
         "run_worker(C.from_env('fx'), {EVENT_TYPE: record_effect})"


def _start(code: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code], cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def _wait_for_queue(settings, name: str, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    with Connection(settings.url, connect_timeout=5) as connection:
        while time.monotonic() < deadline:
            channel = connection.channel()
            try:
                channel.queue_declare(name, passive=True)
                return True
            except Exception:  # not declared yet (the failed passive declare closed the channel)
                time.sleep(0.1)
    return False


def test_relay_and_worker_processes_carry_an_event_and_stop_gracefully(db, settings, tmp_path):
    url = db.url
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "GUICHET_DATA_DIR": str(tmp_path), "BUS_URL": settings.url,
           "BUS_EXCHANGE": settings.exchange, "BUSTEST_DATABASE_URL": url, "FX_DATABASE_URL": url,
           "BUS_RETRY_DELAYS": "0.2,0.4", "BUS_RELAY_IDLE_SLEEP": "0.05"}
    processes = [_start(WORKER, env), _start(RELAY, env)]
    try:
        assert _wait_for_queue(settings, f"{settings.exchange}.fx")  # workers declare before anything is sent
        emit(db, "through-processes")
        deadline = time.monotonic() + 30
        while effect_count(db, "through-processes") == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert effect_count(db, "through-processes") == 1
        for process in processes:
            process.send_signal(signal.SIGTERM)
        outputs = [process.communicate(timeout=15)[0] for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    assert [process.returncode for process in processes] == [0, 0]
    worker_lines = [json.loads(line) for line in outputs[0].splitlines() if line.startswith("{")]
    relay_lines = [json.loads(line) for line in outputs[1].splitlines() if line.startswith("{")]
    assert [line["event"] for line in worker_lines][-1] == "consumer.stopped"
    assert [line["event"] for line in relay_lines][-1] == "relay.stopped"
    assert all(line["service"] in ("fx", "bustest") for line in worker_lines + relay_lines)
