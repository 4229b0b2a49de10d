"""Fixtures of the schemathesis run: each service's app started once per session, the cases counted."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from chassis.config import REPO_ROOT
from tests.fuzz.apps import start_service

CASES: Counter = Counter()  # (service, role) -> generated cases sent


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


def pytest_terminal_summary(terminalreporter):
    if not CASES:
        return
    by_service = Counter()
    for (service, _role), count in CASES.items():
        by_service[service] += count
    total = sum(CASES.values())
    terminalreporter.write_line(f"schemathesis: {total} generated cases sent "
                                f"({', '.join(f'{s} {n}' for s, n in sorted(by_service.items()))})")
    out = REPO_ROOT / "var" / "fuzz"
    out.mkdir(parents=True, exist_ok=True)
    (out / "cases.json").write_text(json.dumps({"total": total, "by_service": by_service,
                                                "by_service_and_role": {f"{s}/{r}": n for (s, r), n in
                                                                        sorted(CASES.items())}}, indent=2))
