"""A NUL character (U+0000) in a string input is bad input: a 4xx with the contract's error body, never a 500.

Found by the schemathesis run (billing ``GET /invoices?session_id=X%00...`` -> 500: PostgreSQL text
cannot hold NUL and psycopg raised ``DataError``). The chassis now refuses NUL in query strings and
JSON bodies with a 422 (``chassis/http/input_guard.py``); every free-text query parameter of every
service is pinned here.
"""
from __future__ import annotations

import urllib.parse

import pytest

from tests.fuzz.apps import SERVICES, openapi_document
from tests.fuzz.contract import contract_error_problems

pytestmark = pytest.mark.integration

# the role that may call the service's list endpoints
CALLER = {"auth": "cards_staff", "cards": "cards_staff", "billing": "cards_staff",
          "productions": "productions_staff", "notifier": "cards_staff"}


def string_query_parameters() -> list:
    found = []
    for service in SERVICES:
        for path, item in openapi_document(service)["paths"].items():
            if "{" in path or "get" not in item:
                continue
            for parameter in item["get"].get("parameters", []):
                schema = parameter.get("schema", {})
                free_text = schema.get("type") == "string" and not {"enum", "format", "pattern"} & set(schema)
                if parameter.get("in") == "query" and free_text:
                    found.append(pytest.param(service, path, parameter["name"],
                                              id=f"{service} {path}?{parameter['name']}"))
    return found


@pytest.mark.parametrize(("service", "path", "name"), string_query_parameters())
def test_a_nul_in_a_query_string_is_bad_input(services, service, path, name):
    sut = services(service)
    query = urllib.parse.urlencode({name: "a\x00b"})
    response = sut.client().get(f"{path}?{query}", headers=sut.headers(sut.people[CALLER[service]][0]))
    assert 400 <= response.status_code < 500, f"GET {path}?{query} -> {response.status_code}"
    assert contract_error_problems(response.get_json()) == []


def test_a_nul_in_a_json_body_is_bad_input(services):
    """Bodies: a NUL inside a trainer's new session (cards POST /sessions)."""
    from tests.cards.helpers import session_form

    sut = services("cards")
    response = sut.client().post("/sessions", json=session_form(location="Montréal\x00"),
                                 headers=sut.headers(sut.people["trainer"][0]))
    assert 400 <= response.status_code < 500, response.status_code
