"""Fixtures of the schemathesis runs, and the count of the cases they sent.

- ``services``: each service's app in-process, started once per session (``apps.start_service``);
- ``gateway``: one isolated real-process platform (``stack.local``: nginx, gunicorn, workers, relays)
  and a token of each role, got by logging the demo accounts in through the gateway.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Gateway:
    base_url: str
    headers_by_role: dict[str, dict]

    def service_url(self, service: str) -> str:
        return f"{self.base_url}/api/{service}"


@pytest.fixture(scope="session")
def gateway(tmp_path_factory):
    from stack.local import start
    from tests.infra import require_local_stack_infrastructure, unique_exchange

    require_local_stack_infrastructure()
    # The generated login cases would meet the gateway's login limit (10 a minute per address, tested in
    # tests/gateway) after a few; every other setting is production's.
    stack = start(tmp_path_factory.mktemp("fuzz-gateway"), database_prefix="guichet_fuzzgw_",
                  exchange=unique_exchange("fuzzgw"), demo_password=GATEWAY_PASSWORD,
                  gateway_settings={"GATEWAY_LOGIN_RATE": "6000r/m", "GATEWAY_LOGIN_BURST": "1000"})
    try:
        headers = {}
        for account in stack.demo_accounts:
            response = requests.post(f"{stack.base_url}/api/auth/login", timeout=15,
                                     json={"login": account["login"], "password": GATEWAY_PASSWORD})
            assert response.status_code == 200, response.text
            headers[account["role"]] = {"Authorization": f"Bearer {response.json()['access_token']}"}
        yield Gateway(stack.base_url, headers)
    finally:
        stack.stop()
        stack.delete_bus_objects()


def pytest_terminal_summary(terminalreporter):
    if not CASES:
        return
    report = {}
    for route in ("in-process", "gateway"):
        by_service = Counter()
        for (case_route, service, _role), count in CASES.items():
            if case_route == route:
                by_service[service] += count
        if not by_service:
            continue
        total = sum(by_service.values())
        terminalreporter.write_line(f"schemathesis ({route}): {total} generated cases sent "
                                    f"({', '.join(f'{s} {n}' for s, n in sorted(by_service.items()))})")
        report[route] = {"total": total, "by_service": by_service,
                         "by_service_and_role": {f"{s}/{r}": n for (case_route, s, r), n in sorted(CASES.items())
                                                 if case_route == route}}
    out = REPO_ROOT / "var" / "fuzz"
    out.mkdir(parents=True, exist_ok=True)
    (out / "cases.json").write_text(json.dumps(report, indent=2))
