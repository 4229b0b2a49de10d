"""The web front end joins the platform's traces when tracing is on: each page is a SERVER span of service
``web``, and the calls it makes to the APIs carry that trace (the requests instrumentation: their
``traceparent`` header). Off by default: no span, nothing imported (tests/chassis/test_tracing.py)."""
from __future__ import annotations

import threading

from opentelemetry.trace import SpanKind
from werkzeug.serving import make_server

from services.web.app import create_app
from services.web.config import load_config


def test_a_page_is_a_server_span_of_the_web_and_its_api_calls_carry_its_trace(spans, tmp_path, monkeypatch):
    monkeypatch.setenv("GUICHET_DATA_DIR", str(tmp_path))
    seen = {}

    def api(environ, start_response):  # the gateway's place: it records the header the web sent
        seen["traceparent"] = environ.get("HTTP_TRACEPARENT")
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [b'{"error": {"code": "not_found", "message": "Introuvable."}}']

    server = make_server("127.0.0.1", 0, api, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        config = load_config(api_base_url=f"http://127.0.0.1:{server.server_port}",
                             database_url=f"sqlite:///{tmp_path / 'web.db'}")
        client = create_app(config).test_client()
        assert client.get("/attestations/INCONNU-123").status_code in (200, 404)  # the page asks cards
    finally:
        server.shutdown()
        thread.join(10)
    finished = spans.get_finished_spans()
    [page] = [span for span in finished if span.kind == SpanKind.SERVER]
    assert page.resource.attributes["service.name"] == "web"
    calls = [span for span in finished if span.kind == SpanKind.CLIENT and span.name.startswith("GET")]
    assert calls and all(call.context.trace_id == page.context.trace_id for call in calls)
    assert seen["traceparent"] and format(page.context.trace_id, "032x") in seen["traceparent"]
