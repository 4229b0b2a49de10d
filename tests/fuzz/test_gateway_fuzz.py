"""schemathesis against every service's OpenAPI document through the gateway, with a real token of each role.

The same operations and checks as the in-process run (``test_openapi_fuzz.py``), sent over HTTP to one
isolated real-process platform (``stack.local``): nginx in front, each API under gunicorn, workers and
relays on PostgreSQL and RabbitMQ. What this adds to the in-process run is everything between a client
and a service: nginx's URL decoding and prefix rewriting (``/api/<service>/...``), its size and header
limits, its own error pages, gzip, gunicorn's HTTP parsing. The tokens are the demo accounts' (one a
role), got by logging in through the gateway.

``FUZZ_GATEWAY_EXAMPLES`` positive cases per role and operation (default 12; 4 under ``CI=true``), half
as many negative ones. The number of cases sent is printed at the end of the run and written to
``var/fuzz/cases.json``.
"""
from __future__ import annotations

import pytest
import requests
import schemathesis

from tests.fuzz.apps import SERVICES, documented_operations, openapi_document
from tests.fuzz.conftest import count_case
from tests.fuzz.generation import examples_from_env, fuzz_every_role

pytestmark = pytest.mark.e2e

MAX_EXAMPLES = examples_from_env("FUZZ_GATEWAY_EXAMPLES", in_ci=4, default=12)

_schemas: dict[str, object] = {}


def gateway_schema(gateway, service: str):
    """The document as the gateway serves it (``/api/<service>/openapi.json``)."""
    if service not in _schemas:
        _schemas[service] = schemathesis.openapi.from_url(f"{gateway.service_url(service)}/openapi.json")
    return _schemas[service]


@pytest.fixture(scope="module")
def http():
    with requests.Session() as session:
        yield session


@pytest.mark.parametrize("service", SERVICES)
def test_the_gateway_serves_each_service_document_as_the_service_writes_it(gateway, service):
    response = requests.get(f"{gateway.service_url(service)}/openapi.json", timeout=15)

    assert response.status_code == 200
    assert response.json() == openapi_document(service)


@pytest.mark.parametrize(("service", "method", "path"),
                         [pytest.param(*op, id=f"{op[0]} {op[1]} {op[2]}") for op in documented_operations()])
def test_operation_conforms_through_the_gateway_for_every_role(gateway, http, service, method, path):
    operation = gateway_schema(gateway, service)[path][method]
    base_url = gateway.service_url(service)
    failures = fuzz_every_role(operation, gateway.headers_by_role, MAX_EXAMPLES,
                               call=lambda case: case.call(base_url=base_url, session=http, timeout=30),
                               count=lambda role: count_case("gateway", service, role))
    assert not failures, "\n".join(failures)
