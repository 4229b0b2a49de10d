"""One isolated copy of the platform as real processes (stack.local), shared by a test module.

Own databases (``guichet_e2e_<svc>``, recreated at each start), own exchange, own free ports; nginx in
front. Needs PostgreSQL, RabbitMQ and nginx (deploy/dev/ensure-infra.sh); skips without them (fails
under CI=true, as tests/infra.py does).
"""
from __future__ import annotations

import time

import pytest
import requests

from tests.infra import require_local_stack_infrastructure, stack_database_prefix, unique_exchange

DEMO_PASSWORD = "Demo-password-e2e-1234"


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    from stack.local import start

    require_local_stack_infrastructure()
    exchange = unique_exchange("e2e")
    # A disabled account is refused by each service within ACCOUNT_STATUS_REFRESH_SECONDS (30 in
    # production): 5 keeps that test short.
    stack = start(tmp_path_factory.mktemp("local-stack"), database_prefix=stack_database_prefix("e2e"),
                  exchange=exchange, demo_password=DEMO_PASSWORD, settings={"ACCOUNT_STATUS_REFRESH_SECONDS": "5"})
    try:
        yield stack
    finally:
        stack.stop()
        stack.delete_bus_objects()


class Client:
    """Requests through the gateway, with a bearer token once logged in."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.token: str | None = None

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return requests.request(method, self.base_url + path, headers=headers, timeout=15, **kwargs)

    def login(self, login: str, password: str) -> dict:
        response = self.request("POST", "/api/auth/login", json={"login": login, "password": password})
        assert response.status_code == 200, response.text
        self.token = response.json()["access_token"]
        return response.json()


def eventually(check, timeout: float = 30.0, interval: float = 0.3):
    """Calls ``check`` until it returns something truthy (the bus is asynchronous); fails with the last value."""
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"not reached in {timeout:.0f} s; last value: {value!r}")
