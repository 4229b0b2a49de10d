"""The gateway's own behaviour, through real nginx in front of stub upstreams (see conftest)."""
from __future__ import annotations

import gzip
import json
import threading

import requests

from tests.raw_http import send_raw

SERVICES = ("auth", "cards", "billing", "productions")


def _get(gateway, path, **kwargs):
    return requests.get(gateway["base"] + path, timeout=10, **kwargs)


def _assert_contract_error(response, status, code):
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"] and " / " not in body["error"]["message"]  # one language: French by default
    assert response.headers.get("Content-Language") == "fr"
    assert response.headers.get("X-Request-ID")


def test_each_service_sees_its_paths_without_the_prefix(gateway):
    for service in SERVICES:
        response = _get(gateway, f"/api/{service}/sessions/42?limit=5&offset=10")
        assert response.status_code == 200
        body = response.json()
        assert body["upstream"] == service
        assert body["path"] == "/sessions/42"
        assert body["query"] == "limit=5&offset=10"


def test_everything_outside_the_api_goes_to_the_web_front_end(gateway):
    body = _get(gateway, "/seances/ajouter").json()
    assert body["upstream"] == "web" and body["path"] == "/seances/ajouter"


def test_a_request_id_is_made_when_absent_passed_on_and_returned(gateway):
    response = _get(gateway, "/api/cards/echo")
    made = response.headers["X-Request-ID"]
    assert len(made) == 32 and made == response.json()["request_id"]
    assert "set-by-the-upstream" not in response.headers["X-Request-ID"]
    other = _get(gateway, "/api/cards/echo").headers["X-Request-ID"]
    assert other != made


def test_the_callers_request_id_is_kept_and_a_forged_one_replaced(gateway):
    kept = _get(gateway, "/api/auth/echo", headers={"X-Request-ID": "trace-123.abc"})
    assert kept.headers["X-Request-ID"] == "trace-123.abc"
    assert kept.json()["request_id"] == "trace-123.abc"
    forged = _get(gateway, "/api/auth/echo", headers={"X-Request-ID": "bad id\"; injected"})
    assert forged.headers["X-Request-ID"] != "bad id\"; injected"
    assert forged.json()["request_id"] == forged.headers["X-Request-ID"]


def test_the_client_address_cannot_be_forged_through_x_forwarded_for(gateway):
    """Only the web front end's address (GATEWAY_TRUSTED_FORWARDER) may say whose request it is."""
    body = _get(gateway, "/api/auth/echo", headers={"X-Forwarded-For": "6.6.6.6"}).json()
    assert body["forwarded_for"] == "127.0.0.1"
    assert body["forwarded_proto"] == "http"


def test_security_headers_on_answers_and_errors(gateway):
    for response in (_get(gateway, "/api/billing/echo"), _get(gateway, "/api/nothing-here")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        assert "Server" not in response.headers or "stub" not in response.headers["Server"]
        assert "nginx/" not in response.headers.get("Server", "")


def test_an_upstreams_own_security_headers_are_not_duplicated(gateway):
    response = _get(gateway, "/api/cards/echo")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_web_front_end_keeps_its_own_content_security_policy(gateway):
    assert "Content-Security-Policy" not in _get(gateway, "/").headers


def test_unknown_api_paths_are_a_json_404(gateway):
    _assert_contract_error(_get(gateway, "/api/nothing-here/x"), 404, "not_found")


def test_the_gateways_own_errors_speak_the_callers_first_language(gateway):
    english = _get(gateway, "/api/nothing-here/x", headers={"Accept-Language": "en-CA,en;q=0.9,fr;q=0.5"})
    assert english.status_code == 404 and english.headers["Content-Language"] == "en"
    assert english.json()["error"]["message"] == "Resource not found."
    french = _get(gateway, "/api/nothing-here/x", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"})
    assert french.headers["Content-Language"] == "fr" and french.json()["error"]["message"] == "Ressource introuvable."
    too_large = requests.post(gateway["base"] + "/api/cards/sessions", data=b"x" * (2 * 1024 * 1024), timeout=10,
                              headers={"Accept-Language": "en", "Content-Type": "application/json"})
    assert too_large.status_code == 413 and too_large.json()["error"]["message"] == "The request body is too large."


def test_a_services_own_errors_pass_through_untouched(gateway):
    response = _get(gateway, "/api/cards/missing")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "cards has no such thing"


def test_a_body_over_the_limit_is_a_json_413_never_reaching_the_service(gateway):
    response = requests.post(gateway["base"] + "/api/cards/sessions", data=b"x" * (65 * 1024),
                             headers={"Content-Type": "application/json"}, timeout=10)
    _assert_contract_error(response, 413, "payload_too_large")
    small = requests.post(gateway["base"] + "/api/cards/sessions", data=b"x" * 1024, timeout=10)
    assert small.json()["body_length"] == 1024


def test_requests_nginx_cannot_parse_are_json_errors_too(gateway):
    nul_in_path = b"GET /api/cards/sessions/%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    _assert_contract_error(send_raw(gateway["base"], nul_in_path), 400, "bad_request")
    huge_header = (b"GET /api/cards/sessions HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20_000
                   + b"\r\nConnection: close\r\n\r\n")
    _assert_contract_error(send_raw(gateway["base"], huge_header), 400, "bad_request")
    _assert_contract_error(_get(gateway, "/api/cards/sessions/" + "a" * 9000), 414, "uri_too_long")
    assert _get(gateway, "/api/cards/sessions/" + "a" * 4000).json()["upstream"] == "cards"


def test_a_stopped_service_is_a_json_502(gateway):
    _assert_contract_error(_get(gateway, "/api/notifier/messages"), 502, "bad_gateway")


def test_a_service_too_slow_to_answer_is_a_json_504(gateway):
    _assert_contract_error(_get(gateway, "/api/billing/slow"), 504, "gateway_timeout")


def _flood(gateway, path, count):
    return [requests.post(gateway["base"] + path, json={"login": "x", "password": "y"}, timeout=10)
            for _ in range(count)]


def test_login_is_rate_limited_per_client_with_a_json_429_and_retry_after(gateway):
    responses = _flood(gateway, "/api/auth/login", 6)
    statuses = [response.status_code for response in responses]
    assert statuses[:3] == [200, 200, 200]  # rate 2r/m, burst 2: three pass at once
    assert statuses[3:] == [429, 429, 429]
    assert responses[0].json()["path"] == "/login"
    limited = responses[-1]
    _assert_contract_error(limited, 429, "too_many_requests")
    assert limited.headers["Retry-After"] == "30"
    assert "Retry-After" not in responses[0].headers


def test_forgot_password_has_its_own_rate_limit(gateway):
    statuses = [response.status_code for response in _flood(gateway, "/api/auth/password/forgot", 4)]
    assert statuses[:2] == [200, 200] and statuses[2:] == [429, 429]
    assert _get(gateway, "/api/auth/echo").status_code == 200  # the rest of auth is not limited


def test_json_answers_are_gzipped_when_the_client_accepts_it(gateway):
    raw = requests.get(gateway["base"] + "/api/productions/big", headers={"Accept-Encoding": "gzip"},
                       timeout=10, stream=True)
    assert raw.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in raw.headers["Vary"]
    assert len(json.loads(gzip.decompress(raw.raw.read()))["items"]) == 200
    plain = requests.get(gateway["base"] + "/api/productions/big", headers={"Accept-Encoding": "identity"},
                         timeout=10)
    assert "Content-Encoding" not in plain.headers


def test_the_api_docs_page_lists_every_service_and_needs_no_cdn(gateway):
    page = _get(gateway, "/api/docs")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    for service in ("auth", "cards", "billing", "productions", "notifier"):
        assert f"/api/{service}/openapi.json" in page.text and f'href="/api/{service}/docs"' in page.text
    assert "http://" not in page.text and "https://" not in page.text
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    index = _get(gateway, "/api/docs/services.json").json()
    assert [entry["service"] for entry in index["services"]] == ["auth", "cards", "billing", "productions",
                                                                   "notifier"]
    script = _get(gateway, "/api/docs/docs.js")
    assert script.status_code == 200 and "openapi" in script.text


def test_the_gateway_answers_its_own_health_check(gateway):
    response = _get(gateway, "/healthz")
    assert response.json() == {"status": "ok", "service": "gateway"}


PLATFORM_ONLY = ("healthz", "readyz", "metrics")


def test_probes_and_metrics_of_the_services_are_a_json_404_from_outside(gateway):
    """Kubelet and Prometheus reach the pods directly: through the gateway these never reach a service
    (the stubs answer 200 to any path, so a 404 here is the gateway's own)."""
    for service in (*SERVICES, "notifier"):
        for name in PLATFORM_ONLY:
            for path in (f"/api/{service}/{name}", f"/api/{service}/{name}/", f"/api/{service}//{name}",
                         f"/api/{service}/{name.upper()}", f"/api/{service}/%{ord(name[0]):02X}{name[1:]}",
                         f"/api/{service}/x/../{name}?format=json"):
                response = _get(gateway, path)
                _assert_contract_error(response, 404, "not_found")
                assert "upstream" not in response.json(), path
    for path in ("/readyz", "/metrics", "/metrics/"):  # the web front end's own
        _assert_contract_error(_get(gateway, path), 404, "not_found")
    english = _get(gateway, "/api/cards/metrics", headers={"Accept-Language": "en"})
    assert english.json()["error"]["message"] == "Resource not found."
    bad_chunk = (b"POST /api/cards/metrics HTTP/1.1\r\nHost: guichet.test\r\nTransfer-Encoding: chunked\r\n"
                 b"Connection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
    refused = send_raw(gateway["base"], bad_chunk)  # the body left to discard fails too: still JSON
    assert 400 <= refused.status_code < 500 and refused.headers["Content-Type"].startswith("application/json")


def test_paths_that_only_look_like_probes_still_reach_the_service(gateway):
    for path in ("/metrics/today", "/sessions/metrics", "/readyz-report"):
        response = _get(gateway, f"/api/cards{path}")
        assert response.status_code == 200, path
        assert response.json()["path"] == path


def test_the_access_log_keeps_paths_and_never_query_strings(gateway):
    """Links carry tokens in their query (the SET hand-off, password and email links): a log line is one JSON
    object per request with the path alone."""
    token = "jeton-secret-de-remise-0123456789"
    response = requests.get(f"{gateway['base']}/set-demo?token={token}", timeout=5)
    request_id = response.headers["X-Request-ID"]
    api = requests.get(f"{gateway['base']}/api/cards/sessions?search={token}", timeout=5)
    log = gateway["files"].access_log
    lines = []
    for _ in range(50):  # nginx writes the line once the response is sent
        lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
        if any(line["request_id"] == api.headers["X-Request-ID"] for line in lines):
            break
        threading.Event().wait(0.1)
    assert token not in log.read_text(encoding="utf-8")
    [line] = [line for line in lines if line["request_id"] == request_id]
    assert line["path"] == "/set-demo" and line["method"] == "GET" and line["status"] == response.status_code
    api_paths = [line["path"] for line in lines if line["request_id"] == api.headers["X-Request-ID"]]
    assert api_paths == ["/api/cards/sessions"]
