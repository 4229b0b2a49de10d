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

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.fuzz.apps import ROLES, SERVICES, openapi_document
from tests.fuzz.conftest import CASES
from tests.fuzz.contract import check_response, contract_error_problems

pytestmark = pytest.mark.integration

IN_CI = os.environ.get("CI", "").lower() == "true"
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "6" if IN_CI else "25"))
HTTP_METHODS = ("get", "post", "put", "patch", "delete")

# (service, "METHOD /path") -> why it fails today (endpoint, input, response), for its owner to fix.
KNOWN_FAILURES: dict[tuple[str, str], str] = {}


def operations() -> list[tuple[str, str, str]]:
    found = []
    for service in SERVICES:
        for path, item in openapi_document(service)["paths"].items():
            found += [(service, method.upper(), path) for method in item if method in HTTP_METHODS]
    return found


def _param(service: str, method: str, path: str):
    label = f"{method} {path}"
    marks = []
    if (service, label) in KNOWN_FAILURES:
        marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[(service, label)]))
    return pytest.param(service, method, path, id=f"{service} {label}", marks=marks)


_schemas: dict[str, object] = {}


def schema_of(sut):
    if sut.service not in _schemas:
        _schemas[sut.service] = schemathesis.openapi.from_wsgi("/openapi.json", sut.app)
    return _schemas[sut.service]


def fuzz(sut, operation, role: str, mode: GenerationMode, examples: int) -> None:
    person = sut.people[role][0]
    auth = sut.headers(person)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate, Phase.shrink],
              suppress_health_check=list(HealthCheck))
    def run(case):
        case.headers = {**(case.headers or {}), **auth}
        response = case.call()
        CASES[(sut.service, role)] += 1
        check_response(case, response)

    run()


@pytest.mark.parametrize(("service", "method", "path"), [_param(*op) for op in operations()])
def test_operation_conforms_for_every_role(services, service, method, path):
    sut = services(service)
    operation = schema_of(sut)[path][method]
    failures = []
    for role in ROLES:
        for mode, examples in ((GenerationMode.POSITIVE, MAX_EXAMPLES),
                               (GenerationMode.NEGATIVE, max(1, MAX_EXAMPLES // 2))):
            try:
                fuzz(sut, operation, role, mode, examples)
            except Unsatisfiable:  # nothing is invalid by the document here (e.g. one free string in the path)
                continue
            except Exception as error:  # hypothesis re-raises the minimal failing case
                failures.append(f"--- role {role}, {mode.value} data:\n{str(error)[:3000]}")
    assert not failures, "\n".join(failures)


def test_error_responses_conform_to_their_documented_schema(services):
    sut = services("billing")
    operation = schema_of(sut)["/invoices/{invoice_id}"]["GET"]
    case = operation.Case(path_parameters={"invoice_id": "no-such-invoice"},
                          headers=sut.headers(sut.people["trainer"][0]))
    response = case.call()
    assert response.status_code == 404 and contract_error_problems(response.json()) == []
    case.validate_response(response, checks=[schemathesis.checks.response_schema_conformance])
