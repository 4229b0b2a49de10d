"""The security sweep runs every service's real app (``tests/fuzz/apps.py``), one database each per session."""
from __future__ import annotations

import pytest

from chassis.testing.tokens import TokenFactory
from tests.fuzz.apps import SERVICES, start_service


@pytest.fixture(scope="session")
def tokens() -> TokenFactory:
    return TokenFactory()


@pytest.fixture(scope="session")
def platform(tokens):
    """service -> ServiceUnderTest (started on first use), all verifying the same signing key."""
    started = {}

    class Platform(dict):
        def __missing__(self, service):
            started[service] = self[service] = start_service(service, "security", tokens)
            return started[service]

    yield Platform()
    for sut in started.values():
        sut.dispose()


@pytest.fixture(params=SERVICES)
def service(request):
    return request.param
