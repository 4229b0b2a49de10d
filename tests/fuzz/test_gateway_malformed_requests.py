"""What schemathesis cannot send: malformed HTTP, through the gateway to the real services.

nginx rejects some of it itself (tests/gateway pins its JSON answers); the rest it passes on, and
gunicorn rejects it before any app sees it. Every such answer must still be the contract's error body,
with ``X-Request-ID``, never an HTML page, and the service must go on answering.
"""
from __future__ import annotations

import pytest
import requests

from tests.fuzz.apps import SERVICES
from tests.fuzz.contract import contract_error_problems
from tests.raw_http import send_raw

pytestmark = pytest.mark.e2e


def _request(path: str, *headers: bytes, body: bytes = b"") -> bytes:
    method = "POST" if body else "GET"
    lines = [f"{method} {path} HTTP/1.1".encode(), b"Host: guichet.test", *headers, b"Connection: close"]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


MALFORMED = {
    # nginx passes control characters in header values on; gunicorn refuses them.
    "a control character in a header value": lambda service: _request(f"/api/{service}/openapi.json",
                                                                       b"X-Note: a\x01b"),
    # nginx's own refusals, on each service's prefix.
    "a NUL in the path": lambda service: _request(f"/api/{service}/x%00y"),
    "a header of 20 KB": lambda service: _request(f"/api/{service}/openapi.json", b"X-Big: " + b"a" * 20_000),
    "a chunk size that is not hexadecimal": lambda service: _request(
        f"/api/{service}/openapi.json", b"Content-Type: application/json", b"Transfer-Encoding: chunked",
        body=b"zz\r\n{}\r\n0\r\n\r\n"),
}


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("what", list(MALFORMED))
def test_a_malformed_request_is_a_json_4xx_and_the_service_answers_on(gateway, service, what):
    response = send_raw(gateway.base_url, MALFORMED[what](service))

    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert response.headers["Content-Type"].startswith("application/json"), response.content[:300]
    assert contract_error_problems(response.json()) == []
    assert response.headers.get("X-Request-ID")
    assert requests.get(f"{gateway.service_url(service)}/openapi.json", timeout=10).status_code == 200
