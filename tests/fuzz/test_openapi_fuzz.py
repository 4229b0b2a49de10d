"""schemathesis against every service's OpenAPI document, in-process, with valid tokens of each role.

One test per documented operation: for each role (trainer, cards_staff, member, productions_staff),
``FUZZ_MAX_EXAMPLES`` generated cases (default 25; 6 under ``CI=true``), positive data (valid by the
document) and negative data (invalid by it). Every response goes through ``tests/fuzz/contract.py``:
0 server errors, documented status codes and content types, 2xx bodies matching the document,
4xx bodies matching the contract's error body. The number of cases sent is printed at the end of
the run and written to ``var/fuzz/cases.json``.

A known failure is listed in ``KNOWN_FAILURES`` with the precise input and response, and marked
``xfail(strict=True)``: it fails the run as soon as its owner fixes it, so the mark is removed.
"""
from __future__ import annotations

import pytest
import schemathesis

from tests.fuzz.apps import ROLES, documented_operations
from tests.fuzz.conftest import count_case
from tests.fuzz.contract import contract_error_problems
from tests.fuzz.generation import examples_from_env, fuzz_every_role

pytestmark = pytest.mark.integration

MAX_EXAMPLES = examples_from_env("FUZZ_MAX_EXAMPLES", in_ci=6, default=25)

# (service, "METHOD /path") -> why it fails today (endpoint, input, response), for its owner to fix.
KNOWN_FAILURES: dict[tuple[str, str], str] = {}


def _param(service: str, method: str, path: str):
    label = f"{method} {path}"
    marks = []
    if (service, label) in KNOWN_FAILURES:
        marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[(service, label)]))
    return pytest.param(service, method, path, id=f"{service} {label}", marks=marks)


_schemas: dict[str, object] = {}


def schema_of(sut):
    if sut.service not in _schemas:
        schema = schemathesis.openapi.from_wsgi("/openapi.json", sut.app)
        # The documents name the gateway's prefix (servers: /api/<service>); in-process the app has none.
        schema.config.update(base_url="http://localhost/")
        _schemas[sut.service] = schema
    return _schemas[sut.service]


def test_the_cases_reach_the_app_not_a_404_of_a_prefix_it_does_not_have(services):
    sut = services("cards")
    case = schema_of(sut)["/reference"]["GET"].Case()
    response = case.call()
    assert response.status_code == 401  # the view answered (no token), not a missing route


@pytest.mark.parametrize(("service", "method", "path"), [_param(*op) for op in documented_operations()])
def test_operation_conforms_for_every_role(services, service, method, path):
    sut = services(service)
    operation = schema_of(sut)[path][method]
    failures = fuzz_every_role(operation, {role: sut.headers(sut.people[role][0]) for role in ROLES}, MAX_EXAMPLES,
                               call=lambda case: case.call(),
                               count=lambda role: count_case("in-process", service, role))
    assert not failures, "\n".join(failures)


def test_error_responses_conform_to_their_documented_schema(services):
    sut = services("billing")
    operation = schema_of(sut)["/invoices/{invoice_id}"]["GET"]
    case = operation.Case(path_parameters={"invoice_id": "no-such-invoice"},
                          headers=sut.headers(sut.people["trainer"][0]))
    response = case.call()
    assert response.status_code == 404 and contract_error_problems(response.json()) == []
    case.validate_response(response, checks=[schemathesis.checks.response_schema_conformance])
