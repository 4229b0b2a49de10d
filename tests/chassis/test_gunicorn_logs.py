"""gunicorn's lines and the app's are all JSON lines with the same fields (issue 21, item 3).

A real cards API under gunicorn, started as ``python -m stack.local`` starts it (its command, its environment,
its supervisor, which shows each line after the process's name). Its database is a SQLite file in a folder that
does not exist, so ``/readyz`` answers 503 and the app logs why within the request. Every line the processes
write, on stdout and stderr, must be a JSON object with ``timestamp``, ``level``, ``event`` and ``service``:
the boot, requests, a worker that stops answering (SIGSTOP) until gunicorn's timeout kills it, the stop; and a
worker that cannot boot (a setting that is not a number), its app imported in the worker or in the master.
"""
from __future__ import annotations

import io
import json
import os
import re
import signal
import socket
import time
from contextlib import suppress

import pytest
import requests

from chassis.config import REPO_ROOT
from stack.environment import GUNICORN_ENV, run_environment
from stack.process_table import api_command, local_argv
from stack.supervisor import Supervisor

NAME = "cards-api"
SUPERVISOR_OWN_LINE = re.compile(r"^(started \(pid \d+\)|stopped \(code -?\d+\))$")
FIELDS = {"timestamp", "level", "event", "service"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def eventually(check, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    return None


class CardsApi:
    """One gunicorn process of the cards API run by the local stack's supervisor, and what it wrote."""

    def __init__(self, tmp_path, **env: str):
        self.port = free_port()
        self.output = io.StringIO()
        environment = run_environment({**GUNICORN_ENV, "PORT": str(self.port), "WEB_CONCURRENCY": "1",
                                       "PYTHONUNBUFFERED": "1",
                                       "CARDS_DATABASE_URL": f"sqlite:///{tmp_path}/absent/cards.db", **env})
        self.supervisor = Supervisor([(NAME, local_argv(api_command("cards")), environment)], cwd=REPO_ROOT,
                                     output=self.output, restart=False, stop_timeout=15)
        self.supervisor.start_all()

    def get(self, path: str, **headers: str) -> requests.Response:
        return requests.get(f"http://127.0.0.1:{self.port}{path}", headers=headers, timeout=15)

    def lines(self) -> list[str]:
        """Every line the process wrote, as the supervisor shows it without its time and name."""
        lines = []
        for shown in self.output.getvalue().splitlines():
            name, _, line = shown.split(" ", 1)[1].partition(" | ")
            assert name.strip() == NAME, shown
            if not SUPERVISOR_OWN_LINE.match(line):
                lines.append(line)
        return lines

    def records(self) -> list[dict]:
        """The lines read so far that are JSON (while waiting; ``all_records`` insists on every line)."""
        records = []
        for line in self.lines():
            with suppress(ValueError):
                records.append(json.loads(line))
        return records

    def all_records(self) -> list[dict]:
        records = []
        for line in self.lines():
            try:
                record = json.loads(line)
            except ValueError:
                pytest.fail(f"a line that is not JSON: {line!r}")
            assert isinstance(record, dict) and FIELDS <= record.keys(), line
            assert record["service"] == "cards", line
            records.append(record)
        return records

    def wait_for(self, condition, timeout: float = 60.0) -> dict:
        found = eventually(lambda: next((r for r in self.records() if condition(r)), None), timeout)
        assert found is not None, self.output.getvalue()[-4000:]
        return found

    def stop(self) -> None:
        self.supervisor.stop_all()


def said(text: str):
    return lambda record: record.get("event") == text


def access_line(request_id: str):
    return lambda record: record.get("event") == "http_request" and record.get("request_id") == request_id


def test_boot_requests_a_worker_timeout_and_the_stop_are_json_lines_with_the_request_id(tmp_path):
    # Preloaded, a worker boots in a moment: the 2 s timeout only ever catches the worker stopped below.
    api = CardsApi(tmp_path, GUNICORN_PRELOAD="1", GUNICORN_TIMEOUT="2")
    stopped_worker = None
    try:
        master = api.wait_for(lambda r: str(r.get("event", "")).startswith("Starting gunicorn"))["pid"]
        booted = api.wait_for(lambda r: str(r.get("event", "")).startswith("Booting worker with pid"))
        worker = booted["pid"]
        assert booted["event"] == f"Booting worker with pid: {worker}" and booted["logger"] == "gunicorn.error"
        assert worker != master

        kept = api.get("/healthz", **{"X-Request-ID": "gunicorn-logs-1"})
        refused_id = api.get("/readyz", **{"X-Request-ID": "not a valid id!"})  # the app makes its own
        with_query = api.get("/healthz?token=secret-in-a-link")
        assert kept.status_code == 200 and kept.headers["X-Request-ID"] == "gunicorn-logs-1"
        assert refused_id.status_code == 503
        readyz_id = refused_id.headers["X-Request-ID"]
        assert readyz_id and readyz_id != "not a valid id!"

        access = api.wait_for(access_line(readyz_id))
        assert access["logger"] == "gunicorn.access" and access["level"] == "info"
        assert (access["method"], access["path"], access["status"]) == ("GET", "/readyz", 503)
        assert access["correlation_id"] == readyz_id and access["pid"] == worker
        assert access["bytes"] == len(refused_id.content) and access["remote_addr"] == "127.0.0.1"
        assert isinstance(access["duration"], float) and access["duration"] >= 0
        # the app's own line of that request carries the same id
        app_line = api.wait_for(lambda r: r.get("event") == "readiness_check_failed")
        assert app_line["request_id"] == app_line["correlation_id"] == readyz_id
        assert api.wait_for(access_line("gunicorn-logs-1"))["path"] == "/healthz"
        assert api.wait_for(access_line(with_query.headers["X-Request-ID"]))["path"] == "/healthz"

        os.kill(worker, signal.SIGSTOP)  # a worker that stops answering, as one stuck in a call would
        stopped_worker = worker
        timeout = api.wait_for(said(f"WORKER TIMEOUT (pid:{worker})"))
        assert timeout["level"] == "critical" and timeout["pid"] == master
        replacement = api.wait_for(lambda r: str(r.get("event", "")).startswith("Booting worker with pid")
                                   and r["pid"] != worker)["pid"]
        after = api.get("/healthz")
        assert after.status_code == 200
        assert api.wait_for(access_line(after.headers["X-Request-ID"]))["pid"] == replacement
    finally:
        if stopped_worker is not None:
            with suppress(ProcessLookupError):
                os.kill(stopped_worker, signal.SIGCONT)
        api.stop()

    records = api.all_records()  # every line, stdout and stderr, parses
    events = [record["event"] for record in records]
    assert f"Listening at: http://0.0.0.0:{api.port} ({master})" in events
    assert "Handling signal: term" in events and "Shutting down: Master" in events
    assert not any("secret-in-a-link" in line for line in api.lines())  # the path is logged without its query
    assert sum(event == "http_request" for event in events) == 4  # one line per request, no more


@pytest.mark.parametrize("preload", ["0", "1"], ids=["imported-in-the-worker", "imported-in-the-master"])
def test_a_worker_that_cannot_boot_says_why_in_json_lines(tmp_path, preload):
    api = CardsApi(tmp_path, GUNICORN_PRELOAD=preload, CARDS_MAX_CONTENT_LENGTH="lots")
    try:
        assert eventually(lambda: NAME in api.supervisor.exited()), api.output.getvalue()[-4000:]
        code = api.supervisor.exited()[NAME]
    finally:
        api.stop()

    records = api.all_records()
    [failure] = [record for record in records if "exception" in record]
    assert "ValueError: invalid literal for int() with base 10: 'lots'" in failure["exception"]
    events = [record["event"] for record in records]
    if preload == "0":
        # gunicorn gives up once the worker exits: its reason, and the error it prints on stderr, as JSON
        assert code == 3 and failure["event"] == "Exception in worker process" and failure["level"] == "error"
        assert "Reason: Worker failed to boot." in events
        printed = next(record for record in records if record["logger"] == "stderr")
        assert printed["event"] == "invalid literal for int() with base 10: 'lots'"
    else:
        # the master imports the app before it starts: Python's uncaught exception, as one JSON line
        assert code == 1 and failure["level"] == "critical" and failure["logger"] == "gunicorn.error"
        assert failure["event"] == "Uncaught exception: invalid literal for int() with base 10: 'lots'"
