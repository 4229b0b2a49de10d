"""The real-process platform for benchmarks 1, 3 and 5: an isolated ``stack.local`` copy, and a trainer's client.

``running_stack(name, env={...})`` starts a copy (own databases ``guichet_bench_<name>_<svc>``, own exchange,
free ports, nginx in front) with extra environment per process (``{"notifier-worker": {...}}``), and
always stops it, removes its queues and exchange and drops its databases. ``Trainer`` logs in through the
gateway as the demo trainer and creates requests (sessions) with participants, as the web front end does.
"""
from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import psycopg
import requests

from stack.local import LocalStack, ensure_demo_accounts, plan, prepare

DEMO_TRAINER = "ethc123"
DEMO_PASSWORD = "Bench-demo-password-2026"
PG_URL = os.environ.get("GUICHET_LOCAL_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
BUS_URL = os.environ.get("GUICHET_LOCAL_BUS_URL", "amqp://guest:guest@127.0.0.1:5672//")
WEB_CONCURRENCY = int(os.environ.get("BENCH_WEB_CONCURRENCY", "2"))


@contextlib.contextmanager
def running_stack(name: str, env: dict[str, dict[str, str]] | None = None, web_concurrency: int = WEB_CONCURRENCY):
    """Yields a started ``LocalStack``; ``env`` maps a process name (``cards-api``, ``notifier-worker``,
    or ``*`` for all) to extra environment variables."""
    folder = Path(tempfile.mkdtemp(prefix=f"guichet-bench-{name}-"))
    prefix = f"guichet_bench_{name}_"
    layout = plan(folder, port=0, database_prefix=prefix, exchange=f"guichet.bench.{uuid.uuid4().hex[:10]}",
                  pg_url=PG_URL, bus_url=BUS_URL, web_concurrency=web_concurrency, free_ports=True)
    specs = prepare(layout, fresh_databases=True)
    for spec in specs:
        spec.env.update({**(env or {}).get("*", {}), **(env or {}).get(spec.name, {})})
    stack = LocalStack(layout, specs, [])
    try:
        stack.launch()
        stack.wait_ready(150)
        stack.demo_accounts = ensure_demo_accounts(layout, DEMO_PASSWORD)
        yield stack
    finally:
        stack.stop()
        with contextlib.suppress(Exception):
            stack.delete_bus_objects()
        drop_databases(layout.database_urls.values())
        shutil.rmtree(folder, ignore_errors=True)


def drop_databases(urls) -> None:
    admin = PG_URL.replace("postgresql+psycopg://", "postgresql://", 1).rstrip("/") + "/postgres"
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
        for url in urls:
            connection.execute(f'DROP DATABASE IF EXISTS "{url.rpartition("/")[2]}" WITH (FORCE)')


def psycopg_url(sqlalchemy_url: str) -> str:
    return sqlalchemy_url.replace("postgresql+psycopg://", "postgresql://", 1)


class Trainer:
    """The demo trainer, through the gateway (one keep-alive HTTP session)."""

    _names = itertools.count(1)

    def __init__(self, base_url: str, token: str | None = None):
        """Logs in, unless given the ``token`` of an earlier login (the gateway allows 10 logins a minute)."""
        self.base_url = base_url
        self.http = requests.Session()
        if token is None:
            response = self.http.post(f"{base_url}/api/auth/login",
                                      json={"login": DEMO_TRAINER, "password": DEMO_PASSWORD}, timeout=15)
            response.raise_for_status()
            token = response.json()["access_token"]
        self.token = token
        self.http.headers["Authorization"] = f"Bearer {self.token}"
        reference = self.get("/api/cards/reference")
        self.organization_type = _pick([item["code"] for item in reference["organization_types"]],
                                       "etablissement_public")
        self.activity_code = _pick([item["code"] for item in reference["activities"]], "pdsb")
        titles = reference.get("titles") or ["mme"]
        self.title = titles[0]["code"] if isinstance(titles[0], dict) else titles[0]

    def get(self, path: str) -> dict:
        response = self.http.get(self.base_url + path, timeout=15)
        response.raise_for_status()
        return response.json()

    def post(self, path: str, body: dict, expected: int) -> dict:
        response = self.http.post(self.base_url + path, json=body, timeout=30)
        if response.status_code != expected:
            raise RuntimeError(f"POST {path}: {response.status_code} {response.text[:500]}")
        return response.json()

    def session_form(self, delivery_email: str) -> dict:
        return {"organization_type": self.organization_type, "organization_name": "CISSS de la Montérégie-Centre",
                "location": "Hôpital Charles-Le Moyne, Longueuil", "activity_code": self.activity_code,
                "end_date": (date.today() - timedelta(days=3)).isoformat(),
                "delivery": {"address": "1000, rue Sherbrooke Ouest", "city": "Montréal", "postal_code": "H2X 1Y4",
                             "attention": "Service de santé et sécurité", "email": delivery_email}}

    def participant(self) -> dict:
        return {"title": self.title, "first_name": f"Josée{next(self._names)}", "last_name": "Tremblay",
                "birth_date": "1985-04-12", "phone": "(514) 555-0199", "phone_ext": "12"}

    def create_session(self, delivery_email: str = "sst.bench@example.org", participants: int = 0,
                       timeout: float = 60.0) -> str:
        """A new request; retried while cards does not know the trainer yet (auth's event on its way)."""
        deadline = time.monotonic() + timeout
        while True:
            response = self.http.post(f"{self.base_url}/api/cards/sessions", json=self.session_form(delivery_email),
                                      timeout=30)
            if response.status_code == 201:
                break
            if response.status_code != 409 or time.monotonic() > deadline:
                raise RuntimeError(f"POST /api/cards/sessions: {response.status_code} {response.text[:500]}")
            time.sleep(0.5)
        session_id = response.json()["id"]
        for _ in range(participants):
            self.post(f"/api/cards/sessions/{session_id}/participants", self.participant(), 201)
        return session_id


def _pick(codes: list[str], preferred: str) -> str:
    return preferred if preferred in codes else codes[0]
