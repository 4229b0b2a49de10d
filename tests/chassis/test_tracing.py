"""Traces (chassis.tracing): off without an OTLP endpoint, the envelope's optional ``trace`` field, and the
context carried over a real HTTP hop (requests -> Flask)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from marshmallow import ValidationError
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.trace import SpanKind
from werkzeug.serving import make_server

from chassis import tracing
from chassis.config import REPO_ROOT, ServiceConfig
from chassis.events.envelope import Envelope
from chassis.http.app_factory import create_service_app

TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

# Run in a fresh interpreter: the global tracer provider can be set once a process, and another test of the
# same worker may have turned tracing on. An API is built and records an event inside a request.
_OFF_PROBE = """
import json, sys
from sqlalchemy import select
from chassis.bus.tables import ChassisBase, OutboxMessage
from chassis.config import ServiceConfig
from chassis.db import Database
from chassis.http.app_factory import create_service_app
from chassis.testing.tokens import TokenFactory
from tests.chassis.bus.support import emit

url = sys.argv[1]
db = Database(url)
ChassisBase.metadata.create_all(db.engine)
service = create_service_app(ServiceConfig.from_env("demo", database_url=url), title="Demo", db=db,
                             token_verifier=TokenFactory().verifier())

@service.app.post("/emit")
def emit_view():
    return emit(db, "inside-a-request").to_dict()

answered = service.app.test_client().post("/emit", json={})
with db.reading() as session:
    stored = session.scalar(select(OutboxMessage.envelope))
loaded_before = sorted(name for name in sys.modules if name.startswith("opentelemetry"))
from opentelemetry import trace
print(json.dumps({"status": answered.status_code, "answered": answered.json, "stored": stored,
                  "opentelemetry_loaded": loaded_before, "provider": type(trace.get_tracer_provider()).__name__,
                  "app_instrumented": getattr(service.app, "_is_instrumented_by_opentelemetry", False)}))
"""


def test_without_an_otlp_endpoint_no_provider_is_installed_and_events_carry_no_trace(tmp_path):
    env = {name: value for name, value in os.environ.items() if not name.startswith("OTEL_")}
    out = subprocess.run([sys.executable, "-c", _OFF_PROBE, f"sqlite:///{tmp_path / 'demo.db'}"], cwd=REPO_ROOT,
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    seen = json.loads(out.stdout.splitlines()[-1])
    assert seen["status"] == 200
    assert "trace" not in seen["answered"] and "trace" not in seen["stored"]
    assert seen["stored"]["payload"] == {"key": "inside-a-request"}
    assert seen["opentelemetry_loaded"] == []  # not even the API: a process with tracing off pays nothing
    assert seen["provider"] == "ProxyTracerProvider"
    assert seen["app_instrumented"] is False


_ON_PROBE = """
import sys
from chassis.config import ServiceConfig
from chassis.http.app_factory import create_service_app
from chassis.testing.tokens import TokenFactory

url = sys.argv[1]
service = create_service_app(ServiceConfig.from_env("demo", database_url=url), title="Demo",
                             token_verifier=TokenFactory().verifier())
client = service.app.test_client()
assert client.get("/openapi.json").status_code == 200
assert client.get("/readyz").status_code == 200
"""  # the process ends there: the provider flushes its batch at exit


class _Collector(BaseHTTPRequestHandler):
    received: list[tuple[str, str, bytes]] = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, self.headers["Content-Type"], body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_with_an_otlp_endpoint_an_api_sends_its_spans_over_http(tmp_path):
    """The production path: OTLP/HTTP protobuf to ``$OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces``, a loopback
    collector here, with OTEL_SERVICE_NAME's name; probes are not traced."""
    _Collector.received = []
    collector = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=collector.serve_forever, daemon=True)
    thread.start()
    env = {name: value for name, value in os.environ.items() if not name.startswith("OTEL_")}
    env.update(OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{collector.server_port}", OTEL_SERVICE_NAME="cards-eu")
    try:
        out = subprocess.run([sys.executable, "-c", _ON_PROBE, f"sqlite:///{tmp_path / 'demo.db'}"], cwd=REPO_ROOT,
                             env=env, capture_output=True, text=True, timeout=120)
    finally:
        collector.shutdown()
        thread.join(10)
    assert out.returncode == 0, out.stderr[-3000:]
    assert {(path, kind) for path, kind, _ in _Collector.received} == {("/v1/traces", "application/x-protobuf")}
    names = []
    for _, _, body in _Collector.received:
        request = ExportTraceServiceRequest.FromString(body)
        for resource_spans in request.resource_spans:
            attributes = {item.key: item.value.string_value for item in resource_spans.resource.attributes}
            assert attributes["service.name"] == "cards-eu"
            names += [span.name for scope in resource_spans.scope_spans for span in scope.spans]
    # Neither the probe nor its database ping (a statement outside any span) is traced.
    assert names == ["GET /openapi.json"]


def test_the_setting_that_turns_tracing_on(monkeypatch):
    for name in (*tracing.ENDPOINT_SETTINGS, "OTEL_SDK_DISABLED"):
        monkeypatch.delenv(name, raising=False)
    assert not tracing.configured()
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
    assert tracing.configured()
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    assert not tracing.configured()
    monkeypatch.delenv("OTEL_SDK_DISABLED")
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:4318/v1/traces")
    assert tracing.configured()


def _envelope(**extra) -> dict:
    return {**Envelope(type="cards.session_submitted", payload={"session_id": "s-1"}, producer="cards",
                       correlation_id="req-1").to_dict(), **extra}


def test_the_trace_field_is_optional_and_kept_through_a_round_trip():
    plain = Envelope.from_dict(_envelope())
    assert plain.trace is None and "trace" not in plain.to_dict()
    traced = Envelope.from_dict(_envelope(trace={"traceparent": TRACEPARENT, "tracestate": "vendor=1"}))
    assert traced.trace == {"traceparent": TRACEPARENT, "tracestate": "vendor=1"}
    assert traced.to_dict()["trace"] == traced.trace
    # A key a later version may add inside it does not make the event unreadable here.
    assert Envelope.from_dict(_envelope(trace={"traceparent": TRACEPARENT, "baggage": "k=v"})).trace["traceparent"]


def test_a_trace_field_without_traceparent_or_oversized_is_refused():
    for bad in ({}, {"tracestate": "vendor=1"}, {"traceparent": "0" * 129}, "00-abc"):
        with pytest.raises(ValidationError):
            Envelope.from_dict(_envelope(trace=bad))




def test_an_http_call_carries_the_trace_to_the_api_it_calls(spans, tmp_path, tokens):
    """The web front end's path: a span, a requests call (CLIENT span, traceparent header), the API's SERVER
    span as its child, over a real socket. Probes are not traced."""
    config = ServiceConfig.from_env("demo", database_url=f"sqlite:///{tmp_path / 'demo.db'}")
    app = create_service_app(config, title="Demo", token_verifier=tokens.verifier()).app
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with tracing.continuing("web", "page", None):
            assert requests.get(f"{base}/openapi.json", timeout=10).status_code == 200
        assert requests.get(f"{base}/healthz", timeout=10).status_code == 200
    finally:
        server.shutdown()
        thread.join(10)
    finished = spans.get_finished_spans()
    [page] = [span for span in finished if span.name == "page"]
    assert page.parent is None
    [client] = [span for span in finished if span.kind == SpanKind.CLIENT and span.parent is not None
                and span.parent.span_id == page.context.span_id]
    [served] = [span for span in finished if span.kind == SpanKind.SERVER]  # /healthz: none
    assert client.name == "GET"
    assert served.parent.span_id == client.context.span_id
    assert served.context.trace_id == page.context.trace_id
    assert served.name == "GET /openapi.json" and served.resource.attributes["service.name"] == "demo"
    assert page.resource.attributes["service.name"] == "web"
