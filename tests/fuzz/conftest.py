"""Fixtures of the schemathesis runs, and the count of the cases they sent.

- ``services``: each service's app in-process, started once per session (``apps.start_service``);
- ``gateway``: one isolated real-process platform (``stack.local``: nginx, gunicorn, workers, relays)
  and a token of each role, got by logging the demo accounts in through the gateway.
"""
from __future__ import annotations

import json
import time
from collections import Counter

import pytest
import requests

from chassis.config import REPO_ROOT
from tests.fuzz.apps import start_service

CASES: Counter = Counter()  # (route, service, role) -> generated cases sent; route: "in-process" or "gateway"
GATEWAY_PASSWORD = "Fuzz-through-the-gateway-2026"


def count_case(route: str, service: str, role: str) -> None:
    CASES[(route, service, role)] += 1


@pytest.fixture(scope="session")
def services():
    started = {}

    def get(service: str):
        if service not in started:
            started[service] = start_service(service, "fuzz")
        return started[service]

    yield get
    for sut in started.values():
        sut.dispose()


class Gateway:
    """The platform's address, and a token of each role from a real login through the gateway. Tokens
    are renewed with their refresh token (rotated at each use) long before they expire (15 minutes; a
    deep run takes longer): a generated ``PATCH /me`` may have changed the account's email, so logging
    in again could fail."""

    RENEW_AFTER_SECONDS = 300

    def __init__(self, base_url: str, logins: dict[str, str]):
        self.base_url = base_url
        self._tokens = {role: self._call("/login", {"login": login, "password": GATEWAY_PASSWORD})
                        for role, login in logins.items()}
        self._issued_at = time.monotonic()

    def service_url(self, service: str) -> str:
        return f"{self.base_url}/api/{service}"

    @property
    def headers_by_role(self) -> dict[str, dict]:
        if time.monotonic() - self._issued_at > self.RENEW_AFTER_SECONDS:
            self._tokens = {role: self._call("/refresh", {"refresh_token": tokens["refresh_token"]})
                            for role, tokens in self._tokens.items()}
            self._issued_at = time.monotonic()
        return {role: {"Authorization": f"Bearer {tokens['access_token']}"} for role, tokens in self._tokens.items()}

    def _call(self, path: str, body: dict) -> dict:
        response = requests.post(f"{self.service_url('auth')}{path}", json=body, timeout=15)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(scope="session")
def gateway(tmp_path_factory):
    from stack.local import start
    from tests.infra import require_local_stack_infrastructure, stack_database_prefix, unique_exchange

    require_local_stack_infrastructure()
    # The generated login cases would meet the gateway's login limit (10 a minute per address, tested in
    # tests/gateway) after a few; every other setting is production's.
    stack = start(tmp_path_factory.mktemp("fuzz-gateway"), database_prefix=stack_database_prefix("fuzzgw"),
                  exchange=unique_exchange("fuzzgw"), demo_password=GATEWAY_PASSWORD,
                  gateway_settings={"GATEWAY_LOGIN_RATE": "6000r/m", "GATEWAY_LOGIN_BURST": "1000"})
    try:
        yield Gateway(stack.base_url, {account["role"]: account["login"] for account in stack.demo_accounts})
    finally:
        stack.stop()
        stack.delete_bus_objects()


def pytest_sessionfinish(session):
    """An xdist worker hands its count to the controller, which adds them up (tests/conftest.py)."""
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["fuzz_cases"] = [[*key, count] for key, count in CASES.items()]


def report_cases(terminalreporter):
    """Printed and written by tests/conftest.py at the end of the run (on xdist's controller when parallel)."""
    if not CASES:
        return
    report = {}
    for route in ("in-process", "gateway"):
        by_role = {(service, role): n for (case_route, service, role), n in sorted(CASES.items())
                   if case_route == route}
        if not by_role:
            continue
        by_service = Counter()
        for (service, _role), count in by_role.items():
            by_service[service] += count
        total = sum(by_service.values())
        terminalreporter.write_line(f"schemathesis ({route}): {total} generated cases sent "
                                    f"({', '.join(f'{s} {n}' for s, n in sorted(by_service.items()))})")
        report[route] = {"total": total, "by_service": by_service,
                         "by_service_and_role": {f"{s}/{r}": n for (s, r), n in by_role.items()}}
    out = REPO_ROOT / "var" / "fuzz"
    out.mkdir(parents=True, exist_ok=True)
    (out / "cases.json").write_text(json.dumps(report, indent=2))
