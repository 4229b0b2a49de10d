"""Hostile JSON bodies are bad input on every service: a 4xx with the contract's error body, never a 500.

Found by an adversarial pass (issue 17, item 3):
- 978 bytes of nested brackets gave 500 on every service, unauthenticated routes included (the input guard
  walked the body recursively: ``RecursionError``);
- a lone UTF-16 surrogate (``"A\\ud800"``) in a string gave ``UnicodeEncodeError`` -> 500 on register, login,
  sessions, houses, webhooks (the value reached the database or the log).
``chassis/http/input_guard.py`` refuses both before any view runs.
"""
from __future__ import annotations

import json
import uuid

import pytest

from tests.fuzz.apps import SERVICES, documented_operations, openapi_document
from tests.fuzz.contract import contract_error_problems

pytestmark = pytest.mark.integration

NESTED = "[" * 489 + "]" * 489  # 978 bytes, as found
CALLER = {"auth": "cards_staff", "cards": "trainer", "billing": "cards_staff",
          "productions": "productions_staff", "notifier": "cards_staff"}


def takes_json(service: str, method: str, path: str) -> bool:
    """A body-carrying operation that is not a file upload (those refuse JSON with a 415 first)."""
    body = openapi_document(service)["paths"][path][method.lower()].get("requestBody", {})
    return method in ("POST", "PATCH", "PUT") and "multipart/form-data" not in body.get("content", {})


def json_operations() -> list:
    return [pytest.param(service, method, path, id=f"{service} {method} {path}")
            for service, method, path in documented_operations() if takes_json(service, method, path)]


def concrete(path: str) -> str:
    """A path of the document with its parameters filled in (a well-formed id that exists nowhere)."""
    parts = [str(uuid.uuid4()) if part.startswith("{") else part for part in path.split("/")]
    return "/".join(parts)


@pytest.mark.parametrize(("service", "method", "path"), json_operations())
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_deeply_nested_json_is_a_400(services, service, method, path, signed_in):
    sut = services(service)
    headers = {"Content-Type": "application/json"}
    if signed_in:
        headers.update(sut.headers(sut.people[CALLER[service]][0]))
    response = sut.client().open(concrete(path), method=method, data=NESTED, headers=headers)
    assert response.status_code == 400, f"{method} {path} -> {response.status_code}"
    assert contract_error_problems(response.get_json()) == []
    assert "32" in response.get_json()["error"]["message"]


def test_nesting_at_the_limit_is_left_to_the_schema(services):
    """31 levels is legal JSON the guard lets through: the schema answers (422), not the guard."""
    sut = services("auth")
    body = {"login": json.loads("[" * 30 + "1" + "]" * 30), "password": "x"}
    response = sut.client().post("/login", json=body)
    assert response.status_code == 422, response.status_code
    assert "login" in response.get_json()["error"]["fields"]


def _surrogate_cases():
    from tests.cards.helpers import session_form

    surrogate = "A\ud800"
    return [
        pytest.param("auth", None, "/register", {"first_name": surrogate, "last_name": "Roy", "email": "r@example.org",
                                                 "email_confirmation": "r@example.org", "password": "Sûr-et-long-2026",
                                                 "password_confirmation": "Sûr-et-long-2026"}, "first_name",
                     id="auth register"),
        pytest.param("auth", None, "/login", {"login": surrogate, "password": "x"}, "login", id="auth login"),
        pytest.param("cards", "trainer", "/sessions", session_form(location=surrogate), "location",
                     id="cards sessions"),
        pytest.param("productions", "productions_staff", "/houses", {"name": surrogate, "delegate_ids": []}, "name",
                     id="productions houses"),
        pytest.param("notifier", "cards_staff", "/webhooks",
                     {"url": "http://127.0.0.1:9/" + surrogate, "events": ["billing.invoice_issued"]}, "url",
                     id="notifier webhooks"),
        pytest.param("cards", "trainer", "/sessions", {"organization_type": "x", surrogate: 1}, "_schema",
                     id="cards sessions key"),
    ]


@pytest.mark.parametrize(("service", "role", "path", "body", "field"), _surrogate_cases())
def test_a_lone_surrogate_is_a_422_on_its_field(services, service, role, path, body, field):
    sut = services(service)
    headers = {"Content-Type": "application/json"}
    if role:
        headers.update(sut.headers(sut.people[role][0]))
    response = sut.client().post(path, data=json.dumps(body), headers=headers)  # ensure_ascii: "\ud800" escape
    assert response.status_code == 422, f"POST {path} -> {response.status_code}"
    error = response.get_json()["error"]
    assert contract_error_problems({"error": error}) == []
    assert error["fields"] == {field: ["Caractère invalide (demi-paire UTF-16 isolée)."]}  # French by default


def test_every_service_is_covered():
    assert {service for service, _, _ in documented_operations()} == set(SERVICES)
