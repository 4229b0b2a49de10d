"""gunicorn's own error answers in the contract's body.

The real processes: tests/fuzz/test_gateway_malformed_requests.py."""
from __future__ import annotations

from chassis.http.gunicorn_errors import json_error_response
from tests.raw_http import parse_response


def _parse(raw: bytes) -> tuple[str, dict, dict]:
    response = parse_response(raw)
    assert int(response.headers["Content-Length"]) == len(response.content)
    return f"HTTP/1.1 {response.status_code} {response.reason}", response.headers, response.json()


def test_a_client_error_says_what_gunicorn_refused_in_french():
    # gunicorn refuses the request before any header is read: the platform's default language.
    status, headers, body = _parse(json_error_response(400, "Bad Request", "Invalid HTTP Header: 'X-NOTE'"))

    assert status == "HTTP/1.1 400 Bad Request"
    assert headers["Content-Type"] == "application/json" and headers["Connection"] == "close"
    assert headers["Content-Language"] == "fr"
    assert body == {"error": {"code": "bad_request", "message": (
        "La requête est mal formée (Invalid HTTP Header: 'X-NOTE').")}}


def test_each_status_keeps_its_own_code_and_a_server_error_tells_nothing_more():
    assert _parse(json_error_response(431, "Request Header Fields Too Large", "x"))[2]["error"]["code"] == \
        "headers_too_large"
    _, _, body = _parse(json_error_response(500, "Internal Server Error", "Traceback: secret"))
    assert body["error"]["code"] == "internal_error" and "secret" not in body["error"]["message"]
    assert _parse(json_error_response(418, "Odd", ""))[2]["error"]["code"] == "bad_request"
