"""Benchmark 1, an authenticated read and a write through the gateway, against a bare Flask endpoint.

One isolated real-process stack (``bench.platform_stack``: nginx, gunicorn per service with
``WEB_CONCURRENCY`` workers, workers, relays). Next to it, in the same run and on the same gunicorn
settings file: the bare app of ``bench/baseline_app.py`` (PyJWT on the same JWKS, one row by primary
key), reached both directly and through a second nginx rendered from the very same gateway templates
with its cards upstream pointed at the bare app (so the path ``/api/cards/sessions/{id}`` is the same).

Each run (the order of the targets alternates between runs), wrk ``-t2 -c8 -d10s``:

- read: ``GET /api/cards/sessions/{id}`` (a trainer's token, a request with 3 participants) through the
  gateway; the bare app through nginx (the baseline of the target ratio) and directly; cards directly;
- write: ``POST /api/cards/sessions/{id}/participants`` (a new person each time, spread over 40 fresh
  requests of the run) through the gateway; the bare write (verify + one INSERT) through nginx.
"""
from __future__ import annotations

import contextlib
import sys
import uuid
from dataclasses import dataclass

import psycopg

from bench.common import Figure
from bench.load import WrkResult, run_wrk
from bench.platform_stack import Trainer, psycopg_url, running_stack
from bench.processes import background, wait_http
from stack.gateway import prepare_gateway
from stack.local import API_SERVICES, free_port

WRITE_SESSIONS = 40
BENCH = "1 gateway read/write"


@dataclass
class Target:
    name: str
    url: str       # base URL
    prefix: str    # path prefix of the cards routes at that URL
    script: str    # read / write


@contextlib.contextmanager
def bare_app(stack):
    """The baseline app (gunicorn, same settings file) and a second nginx in front of it: yields both URLs."""
    layout = stack.layout
    cards_url = layout.database_urls["cards"]
    from bench.baseline_app import WRITES_TABLE

    with psycopg.connect(psycopg_url(cards_url), autocommit=True) as connection:
        connection.execute(WRITES_TABLE)
    port, gateway_port = free_port(), free_port()
    env = {"PORT": str(port), "WEB_CONCURRENCY": str(layout.web_concurrency), "BASELINE_DATABASE_URL": cards_url,
           "AUTH_JWKS_URL": f"http://127.0.0.1:{layout.ports['auth']}/.well-known/jwks.json",
           "TOKEN_ISSUER": "guichet-auth", "TOKEN_AUDIENCE": "guichet", "FORWARDED_ALLOW_IPS": "127.0.0.1",
           "GUNICORN_CMD_ARGS": "--no-control-socket", "PYTHONUNBUFFERED": "1"}
    argv = [sys.executable, "-m", "gunicorn", "-c", "chassis/http/gunicorn_settings.py", "bench.baseline_app:app"]
    upstreams = {name: f"127.0.0.1:{layout.ports[name]}" for name in (*API_SERVICES, "web")}
    upstreams["cards"] = f"127.0.0.1:{port}"
    gateway = prepare_gateway(layout.data_dir / "bare-gateway", upstreams, gateway_port)
    with background("bare-app", argv, env, stack.logs) as app, \
            background("bare-gateway", gateway.command, {}, stack.logs) as nginx:
        yield f"http://127.0.0.1:{port}", f"http://127.0.0.1:{gateway_port}", app, nginx


def measure(target: Target, token: str, read_id: str, write_ids: list[str], run: str, title: str) -> WrkResult:
    if target.script == "read":
        env = {"BENCH_TOKEN": token, "BENCH_PATH": f"{target.prefix}/sessions/{read_id}"}
    else:
        env = {"BENCH_TOKEN": token, "BENCH_PREFIX": f"{target.prefix}/sessions/", "BENCH_RUN": run,
               "BENCH_TITLE": title, "BENCH_SESSIONS": ",".join(write_ids)}
    result = run_wrk(target.url, target.script, env)
    print(f"   {target.name}: {result.rate:,.0f} req/s, p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, "
          f"errors {result.errors}", file=sys.stderr, flush=True)
    if result.errors:
        raise RuntimeError(f"{target.name}: {result.errors} errors out of {result.requests} requests")
    return result


def _figures() -> dict[str, Figure]:
    def f(name, unit, baseline, target="", higher=True):
        return Figure(BENCH, name, unit, baseline_name=baseline, target=target, higher_is_better=higher)

    return {
        "read_rate": f("read req/s, gateway -> cards", "req/s", "bare app behind nginx", ">= 0.8x"),
        "read_p50": f("read p50, gateway -> cards", "ms", "bare app behind nginx", higher=False),
        "read_p99": f("read p99, gateway -> cards", "ms", "bare app behind nginx", higher=False),
        "read_rate_vs_direct": f("read req/s, gateway -> cards", "req/s", "bare app direct"),
        "cards_direct": f("read req/s, cards direct (no nginx)", "req/s", "bare app direct"),
        "bare_nginx": f("read req/s, bare app behind nginx", "req/s", "bare app direct"),
        "write_rate": f("write req/s, gateway -> cards", "req/s", "bare write behind nginx"),
        "write_p50": f("write p50, gateway -> cards", "ms", "bare write behind nginx", higher=False),
        "write_p99": f("write p99, gateway -> cards", "ms", "bare write behind nginx", higher=False),
    }


def run(runs: int = 3) -> list[Figure]:
    figures = _figures()
    with running_stack("gateway") as stack, bare_app(stack) as (bare_url, bare_gateway_url, app, nginx):
        trainer = Trainer(stack.base_url)
        read_id = trainer.create_session(participants=3)
        auth = {"Authorization": f"Bearer {trainer.token}"}
        wait_http(f"{bare_url}/sessions/{read_id}", app, auth)
        wait_http(f"{bare_gateway_url}/api/cards/sessions/{read_id}", nginx, auth)
        cards_url = f"http://127.0.0.1:{stack.layout.ports['cards']}"
        targets = [Target("platform read (gateway)", stack.base_url, "/api/cards", "read"),
                   Target("bare read (nginx)", bare_gateway_url, "/api/cards", "read"),
                   Target("bare read (direct)", bare_url, "", "read"),
                   Target("cards read (direct)", cards_url, "", "read"),
                   Target("platform write (gateway)", stack.base_url, "/api/cards", "write"),
                   Target("bare write (nginx)", bare_gateway_url, "/api/cards", "write")]
        for target in targets[:4]:  # warm-up: connections, JWKS caches, imports
            run_wrk(target.url, "read", {"BENCH_TOKEN": trainer.token,
                                         "BENCH_PATH": f"{target.prefix}/sessions/{read_id}"}, seconds=2)
        for index in range(runs):
            print(f"  run {index + 1}/{runs}", file=sys.stderr, flush=True)
            trainer = Trainer(stack.base_url)  # a fresh token each run (15-minute lifetime)
            write_ids = [trainer.create_session() for _ in range(WRITE_SESSIONS)]
            ordered = targets if index % 2 == 0 else targets[::-1]
            results = {t.name: measure(t, trainer.token, read_id, write_ids, f"{index}{uuid.uuid4().hex[:6]}",
                                       trainer.title) for t in ordered}
            add_run(figures, results)
    return list(figures.values())


def add_run(figures: dict[str, Figure], r: dict[str, WrkResult]) -> None:
    platform, bare_nginx = r["platform read (gateway)"], r["bare read (nginx)"]
    bare_direct, write, bare_write = r["bare read (direct)"], r["platform write (gateway)"], r["bare write (nginx)"]
    figures["read_rate"].add(platform.rate, bare_nginx.rate)
    figures["read_p50"].add(platform.p50_ms, bare_nginx.p50_ms)
    figures["read_p99"].add(platform.p99_ms, bare_nginx.p99_ms)
    figures["read_rate_vs_direct"].add(platform.rate, bare_direct.rate)
    figures["cards_direct"].add(r["cards read (direct)"].rate, bare_direct.rate)
    figures["bare_nginx"].add(bare_nginx.rate, bare_direct.rate)
    figures["write_rate"].add(write.rate, bare_write.rate)
    figures["write_p50"].add(write.p50_ms, bare_write.p50_ms)
    figures["write_p99"].add(write.p99_ms, bare_write.p99_ms)
