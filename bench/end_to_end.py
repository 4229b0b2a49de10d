"""Benchmark 3, end to end: requests submitted through the gateway -> invoice issued by billing -> invoice
email received by an SMTP server; and benchmark 5 (memory, ``bench.memory``) in the same runs.

Each run starts its own isolated stack (``bench.platform_stack``) whose notifier worker sends to an
aiosmtpd server of this process (``NOTIFIER_SMTP_HOST=127.0.0.1``, ``NOTIFIER_SMTP_PORT``). The requests
are made beforehand (one participant each, a delivery email of their own, billed to the organization,
cheque), so only ``POST /api/cards/sessions/{id}/submit`` is timed:

- **latency at 20/s**: after a warm-up of ``BENCH_E2E_WARMUP`` (60) submissions at the same rate, not
  counted, ``BENCH_E2E_RATE`` (20) submissions/s for ``BENCH_E2E_SECONDS`` (15), open loop
  (8 sender threads keep the schedule); latency = email at the SMTP server - submit request sent. The
  baseline is the submit request's own response time (202) of the same submissions: the synchronous part.
- **highest sustained rate**: ``BENCH_E2E_BURST`` (200) requests submitted at once by 8 threads; rate =
  burst / (last email - first submit). The baseline is the rate at which the gateway accepted the
  submissions (burst / (last 202 - first submit)).

Settings in force are the stack's: ``BUS_RELAY_IDLE_SLEEP`` (chassis default 1.0 s: a safety net, relays
are woken by the commit) and ``NOTIFIER_POLL_SECONDS`` (stack.local sets 0.5 s). ``BENCH_E2E_RELAY_IDLE_SLEEP`` and
``BENCH_E2E_NOTIFIER_POLL_SECONDS`` override them for every relay / the notifier's sender.
"""
from __future__ import annotations

import os
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from bench import memory
from bench.common import Figure, percentile
from bench.platform_stack import Trainer, running_stack
from bench.processes import background
from bench.smtp_sink import SmtpSink

RATE = float(os.environ.get("BENCH_E2E_RATE", "20"))
SECONDS = float(os.environ.get("BENCH_E2E_SECONDS", "15"))
BURST = int(os.environ.get("BENCH_E2E_BURST", "200"))
WARMUP = int(os.environ.get("BENCH_E2E_WARMUP", "60"))
SENDERS = 8
BENCH = "3 end to end"
MEMORY_FIGURES: list[Figure] = []
# The process that sends the emails: the notifier's worker in stack.local, its sender with GUICHET_LOCAL_SPLIT=1.
SENDERS_OF_EMAIL = ("notifier-worker", "notifier-sender")


def smtp_env(sink: SmtpSink, env: dict | None = None) -> dict[str, dict[str, str]]:
    """``env`` (per process, as ``running_stack`` takes it) with the notifier's delivery pointed at ``sink``."""
    env = dict(env or {})
    for name in SENDERS_OF_EMAIL:
        env[name] = {**env.get(name, {}), "NOTIFIER_SMTP_HOST": "127.0.0.1", "NOTIFIER_SMTP_PORT": str(sink.port)}
    return env


def settings_in_force() -> tuple[dict[str, dict[str, str]], str]:
    """Extra environment of the stack, and its description for the figures' names."""
    relay = os.environ.get("BENCH_E2E_RELAY_IDLE_SLEEP")
    poll = os.environ.get("BENCH_E2E_NOTIFIER_POLL_SECONDS")
    env: dict[str, dict[str, str]] = {"*": {}, **{name: {} for name in SENDERS_OF_EMAIL}}
    if relay:
        env["*"]["BUS_RELAY_IDLE_SLEEP"] = relay
    if poll:
        for name in SENDERS_OF_EMAIL:
            env[name]["NOTIFIER_POLL_SECONDS"] = poll
    return env, f"relay idle {relay or '1.0'} s, notifier poll {poll or '0.5'} s"


class Submitter:
    """Submits prepared requests through the gateway; notes when each was sent and answered."""

    def __init__(self, base_url: str, token: str):
        self.base_url, self.token = base_url, token
        self.local = threading.local()

    def _http(self) -> requests.Session:
        if not hasattr(self.local, "http"):
            self.local.http = requests.Session()
            self.local.http.headers["Authorization"] = f"Bearer {self.token}"
        return self.local.http

    def submit(self, session_id: str, at: float | None = None) -> tuple[float, float]:
        if at is not None:
            time.sleep(max(0.0, at - time.monotonic()))
        sent = time.monotonic()
        response = self._http().post(f"{self.base_url}/api/cards/sessions/{session_id}/submit",
                                     json={"payment_method": "cheque", "billed_to": "organization"}, timeout=30)
        if response.status_code != 202:
            raise RuntimeError(f"submit {session_id}: {response.status_code} {response.text[:300]}")
        return sent, time.monotonic()

    def submit_all(self, session_ids: list[str], rate: float | None) -> list[tuple[float, float]]:
        start = time.monotonic() + 0.5
        with ThreadPoolExecutor(SENDERS) as pool:
            futures = [pool.submit(self.submit, sid, start + i / rate if rate else None)
                       for i, sid in enumerate(session_ids)]
            return [future.result() for future in futures]


def prepare_requests(base_url: str, count: int, label: str) -> tuple[list[str], list[str]]:
    """``count`` new requests with one participant each; returns their ids and delivery emails."""
    emails = [f"bench-{label}-{i}@example.org" for i in range(count)]
    local = threading.local()

    def make(email: str) -> str:
        if not hasattr(local, "trainer"):
            local.trainer = Trainer(base_url, token=token)
        return local.trainer.create_session(email, participants=1)

    token = Trainer(base_url).token
    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(make, emails)), emails


def warm_up(base_url: str, sink: SmtpSink, submitter: Submitter, rate: float) -> None:
    """``WARMUP`` submissions at ``rate``, not counted, then a pause once their emails are in: every process
    has its connections open, its statements compiled and its code paths taken (the first seconds of a
    cold stack run several times slower), and the preparation's own writes have settled."""
    if WARMUP <= 0:
        return
    ids, emails = prepare_requests(base_url, WARMUP, f"warm{uuid.uuid4().hex[:6]}")
    submitter.submit_all(ids, rate)
    wait_emails(sink, emails)
    time.sleep(2)


def wait_emails(sink: SmtpSink, emails: list[str], timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while sink.received(emails) < len(emails):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{sink.received(emails)} of {len(emails)} invoice emails after {timeout:.0f} s")
        time.sleep(0.05)


def _figures(label: str) -> dict[str, Figure]:
    at = f"at {RATE:g}/s ({label})"
    return {
        "p50": Figure(BENCH, f"p50 submit -> email {at}", "ms", baseline_name="submit request p50",
                      higher_is_better=False),
        "p99": Figure(BENCH, f"p99 submit -> email {at}", "ms", baseline_name="submit request p99", target="<= 200 ms",
                      higher_is_better=False),
        "offered": Figure(BENCH, f"offered submissions/s {at}", "/s", baseline_name="asked", higher_is_better=True),
        "sustained": Figure(BENCH, f"highest sustained rate, burst of {BURST} ({label})", "emails/s",
                            baseline_name="gateway accepted submissions/s"),
    }


def one_run(figures: dict[str, Figure], memory_figures: dict | None, env: dict, index: int) -> None:
    with SmtpSink() as sink:
        env = smtp_env(sink, env)
        with running_stack("e2e", env=env) as stack:
            time.sleep(3)  # the demo accounts' events settle
            rest = memory.stack_memory(stack.processes)
            bare = bare_memory(stack)
            label = f"{index}{uuid.uuid4().hex[:6]}"
            steady_ids, steady_emails = prepare_requests(stack.base_url, int(RATE * SECONDS), f"{label}s")
            burst_ids, burst_emails = prepare_requests(stack.base_url, BURST, f"{label}b")
            submitter = Submitter(stack.base_url, Trainer(stack.base_url).token)
            warm_up(stack.base_url, sink, submitter, RATE)

            times = submitter.submit_all(steady_ids, RATE)
            wait_emails(sink, steady_emails)
            latencies = [1000 * (sink.arrivals[email] - sent)
                         for email, (sent, _) in zip(steady_emails, times, strict=True)]
            answers = [1000 * (answered - sent) for sent, answered in times]
            offered = (len(times) - 1) / (times[-1][0] - times[0][0])
            figures["p50"].add(percentile(latencies, 0.50), percentile(answers, 0.50))
            figures["p99"].add(percentile(latencies, 0.99), percentile(answers, 0.99))
            figures["offered"].add(offered, RATE)

            times = submitter.submit_all(burst_ids, None)
            wait_emails(sink, burst_emails)
            first = min(sent for sent, _ in times)
            figures["sustained"].add(BURST / (max(sink.arrivals[e] for e in burst_emails) - first),
                                     BURST / (max(answered for _, answered in times) - first))
            print(f"   p50 {figures['p50'].values[-1]:.0f} ms, p99 {figures['p99'].values[-1]:.0f} ms at "
                  f"{offered:.1f}/s; sustained {figures['sustained'].values[-1]:.1f} emails/s", file=sys.stderr,
                  flush=True)
            time.sleep(2)
            after = memory.stack_memory(stack.processes)
            if memory_figures is not None:
                if not memory_figures:
                    memory_figures.update(memory.figures(list(rest["rss"])))
                memory.add_run(memory_figures, rest, after, bare)


def bare_memory(stack) -> dict[str, dict[str, float]]:
    """RSS and PSS of the baselines of benchmark 5, started next to this stack and stopped at once."""
    from bench.gateway import bare_app

    with bare_app(stack) as (bare_url, _gateway_url, app, _nginx), \
            background("bare-python", [sys.executable, "-c", memory.BARE_PYTHON], {}, stack.logs) as python:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # until the app answers (imports done, workers forked)
            try:
                if requests.get(f"{bare_url}/sessions/x", timeout=2).status_code == 401:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        time.sleep(1)
        measured = {"bare Flask app (gunicorn)": memory.tree_memory(app.pid),
                    "bare Python + kombu/SQLAlchemy/psycopg": memory.tree_memory(python.pid)}
        return {measure: {name: values[index] for name, values in measured.items()}
                for index, measure in enumerate(memory.MEASURES)}


def run(runs: int = 3) -> list[Figure]:
    env, label = settings_in_force()
    figures = _figures(label)
    memory_figures: dict = {}
    for index in range(runs):
        print(f"  run {index + 1}/{runs} ({label})", file=sys.stderr, flush=True)
        one_run(figures, memory_figures, env, index)
    MEMORY_FIGURES[:] = list(memory_figures.values())
    return list(figures.values())
