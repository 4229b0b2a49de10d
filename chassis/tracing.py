"""OpenTelemetry traces: the one place that turns them on, and the hooks the HTTP apps, the bus and the notifier call.

Off unless ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) is set and
``OTEL_SDK_DISABLED`` is not ``true``: then no provider is installed, every hook returns at once and nothing
of OpenTelemetry is imported (a worker at rest stays lean). On, spans go to the OTLP/HTTP exporter (batched)
under ``service.name`` = ``OTEL_SERVICE_NAME`` or the service's name. Traced: API and web requests (probes
excepted), SQL statements inside a span, outgoing ``requests`` calls, and by hand the bus, whose W3C context
rides in the envelope's optional ``trace`` field (outbox -> relay PRODUCER -> consumer CONSUMER -> the
notifier's send): docs/observability.md, Traces. Each service in a process gets a ``TracerProvider`` of its
own, all sharing the span processors; the first is the global provider.
"""
from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from chassis.correlation import current_correlation_id

ENDPOINT_SETTINGS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
# Polled every few seconds by probes and Prometheus: traced, they would drown the requests people make.
UNTRACED_PATHS = "/healthz,/readyz,/metrics"
TRACE_FIELDS = ("traceparent", "tracestate")
MESSAGING_SYSTEM = "rabbitmq"


class _Tracing:
    """What is on while tracing is: the shared span processors and one provider a service."""

    def __init__(self, processor):
        self.processor = processor
        self.providers: dict[str, Any] = {}
        self.traced_engines: weakref.WeakSet = weakref.WeakSet()
        self.handled = threading.local()  # .last: (correlation id, context) of the thread's last CONSUMER span
        self.lock = threading.Lock()

    def provider(self, service: str):
        with self.lock:
            provider = self.providers.get(service)
            if provider is None:
                from opentelemetry.sdk.resources import SERVICE_NAME, Resource
                from opentelemetry.sdk.trace import TracerProvider

                resource = Resource.create({SERVICE_NAME: os.environ.get("OTEL_SERVICE_NAME") or service})
                # The processors are shared: only the first provider shuts them down (flushing) at exit.
                provider = TracerProvider(resource=resource, active_span_processor=self.processor,
                                          shutdown_on_exit=not self.providers)
                self.providers[service] = provider
            return provider

    def tracer(self, service: str):
        return self.provider(service).get_tracer("guichet.bus")


_state: _Tracing | None = None
_setup_lock = threading.Lock()


def configured() -> bool:
    """True when the environment asks for traces (an OTLP endpoint, and the SDK not disabled)."""
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    return any(os.environ.get(name, "").strip() for name in ENDPOINT_SETTINGS)


def enabled() -> bool:
    return _state is not None


def setup_tracing(service: str, *, exporter=None) -> bool:
    """Turns tracing on in this process when configured (once; later calls only say whether it is on).

    ``exporter``: a span exporter to use instead of OTLP, each span exported as it ends (tests pass
    ``InMemorySpanExporter``); it turns tracing on whatever the environment says.
    """
    global _state
    if _state is not None:
        return True
    if exporter is None and not configured():
        return False
    with _setup_lock:
        if _state is None:
            _state = _start(service, exporter)
    return True


def _start(service: str, exporter) -> _Tracing:
    from opentelemetry import trace
    from opentelemetry.instrumentation.requests import RequestsInstrumentor
    from opentelemetry.sdk.trace import SynchronousMultiSpanProcessor
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        processor = BatchSpanProcessor(OTLPSpanExporter())  # reads the OTEL_EXPORTER_OTLP_* settings
    else:
        processor = SimpleSpanProcessor(exporter)
    shared = SynchronousMultiSpanProcessor()
    shared.add_span_processor(processor)
    state = _Tracing(shared)
    first = state.provider(service)
    if isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):  # it can be set once a process
        trace.set_tracer_provider(first)
    RequestsInstrumentor().instrument(tracer_provider=first)
    return state


def stop_tracing() -> None:
    """Flushes the spans and turns tracing off in this process (tests turn it on and off; the global
    provider, settable once a process, stays installed but shut down)."""
    global _state
    with _setup_lock:
        state, _state = _state, None
    if state is None:
        return
    from opentelemetry.instrumentation.requests import RequestsInstrumentor

    RequestsInstrumentor().uninstrument()
    state.processor.shutdown()


# -- the HTTP apps and the databases ------------------------------------------------------------------
def trace_app(app, service: str, db=None) -> None:
    """The app factory's: tracing on when configured, then a SERVER span for each request of ``app``
    (probes and metrics excepted) and a CLIENT span for each statement on ``db``."""
    if not setup_tracing(service):
        return
    from opentelemetry.instrumentation.flask import FlaskInstrumentor

    # OTEL_PYTHON_FLASK_EXCLUDED_URLS, when set, replaces the paths left out.
    excluded = None if os.environ.get("OTEL_PYTHON_FLASK_EXCLUDED_URLS") else UNTRACED_PATHS
    FlaskInstrumentor.instrument_app(app, tracer_provider=_state.provider(service), excluded_urls=excluded,
                                     enable_commenter=False)
    if db is not None:
        trace_database(db, service)


def trace_database(db, service: str) -> None:
    """A CLIENT span for each statement on ``db``'s engine (once an engine), when tracing is on."""
    state = _state
    if state is None or db.engine in state.traced_engines:
        return
    from opentelemetry.instrumentation.sqlalchemy import __version__
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
    from opentelemetry.metrics import NoOpUpDownCounter

    # SQLAlchemyInstrumentor takes engines on its first call only (a process-wide singleton), and patches
    # create_engine after chassis.db has imported it: its EngineTracer is what it attaches to each engine.
    tracer = state.provider(service).get_tracer("opentelemetry.instrumentation.sqlalchemy", __version__)
    EngineTracer(_InsideSpansOnly(tracer), db.engine,
                 NoOpUpDownCounter("db.client.connections.usage"))  # metrics are Prometheus's
    state.traced_engines.add(db.engine)


class _InsideSpansOnly:
    """The SQL statements' tracer: a statement is a span only inside another one (a request, a handler, a
    send). The statements of the pollers (the relay's and the mail loop's looks, probes, retention sweeps)
    would each start a trace of their own every few seconds."""

    def __init__(self, tracer):
        self._tracer = tracer

    def start_span(self, name, context=None, **kwargs):
        from opentelemetry import trace

        if not trace.get_current_span(context).get_span_context().is_valid:
            return trace.INVALID_SPAN
        return self._tracer.start_span(name, context, **kwargs)


# -- the bus --------------------------------------------------------------------------------------------
def current_trace() -> dict | None:
    """The current span's W3C context as the envelope's ``trace`` field; None when tracing is off or no span
    is current (an event recorded by a command-line tool).

    Outside any span but under the correlation id of the event this thread handled last (an event recorded
    at the commit of the handler's transaction, after its CONSUMER span ended): that CONSUMER span's."""
    state = _state
    if state is None:
        return None
    from opentelemetry import trace

    if trace.get_current_span().get_span_context().is_valid:
        return _carried()
    last = getattr(state.handled, "last", None)
    if last is not None and last[0] == current_correlation_id():
        return _carried(last[1])
    return None


@contextmanager
def publishing(producer: str, exchange: str, envelopes: list[dict]) -> Iterator[list[dict]]:
    """The relay's: a PRODUCER span an event, child of the context stored with it (a root span without one),
    open while the batch is published and confirmed. Yields the envelopes to publish, each carrying its
    PRODUCER span's context; with tracing off, ``envelopes`` themselves."""
    state = _state
    if state is None:
        yield envelopes
        return
    from opentelemetry import trace
    from opentelemetry.trace import SpanKind

    tracer = state.tracer(producer)
    spans, published = [], []
    for envelope in envelopes:
        span = tracer.start_span(f"publish {envelope.get('type')}", context=_context_of(envelope.get("trace")),
                                 kind=SpanKind.PRODUCER,
                                 attributes={**_message_attributes(envelope, "send"),
                                             "messaging.operation.name": "publish",
                                             "messaging.destination.name": exchange})
        spans.append(span)
        carried = _carried(trace.set_span_in_context(span))
        published.append({**{key: value for key, value in envelope.items() if key != "trace"},
                          **({"trace": carried} if carried else {})})
    try:
        yield published
    except BaseException as error:
        for span in spans:
            _failed(span, error)
        raise
    finally:
        for span in spans:
            span.end()


@contextmanager
def consuming(service: str, envelope) -> Iterator[None]:
    """The consumer's, around one handler: a CONSUMER span, child of the envelope's context (a new root span
    when it has none), current while the handler runs, so that the events it records carry it on."""
    state = _state
    if state is None:
        yield
        return
    from opentelemetry import trace
    from opentelemetry.trace import SpanKind

    event = {"id": envelope.id, "type": envelope.type, "correlation_id": envelope.correlation_id}
    with state.tracer(service).start_as_current_span(
            f"process {envelope.type}", context=_context_of(envelope.trace), kind=SpanKind.CONSUMER,
            attributes={**_message_attributes(event, "process"), "messaging.operation.name": "process",
                        "messaging.consumer.group.name": service}) as span:
        state.handled.last = (envelope.correlation_id, trace.set_span_in_context(span))
        yield


@contextmanager
def continuing(service: str, name: str, stored: Mapping | None, *, kind: str = "internal",
               attributes: Mapping[str, Any] | None = None) -> Iterator[None]:
    """A span continuing a trace kept beside a piece of work (``stored``: what ``current_trace`` gave when the
    work was recorded; a root span without it); ``kind``: internal, client, producer, consumer or server.
    An exception out of the block marks it failed."""
    state = _state
    if state is None:
        yield
        return
    from opentelemetry.trace import SpanKind

    with state.provider(service).get_tracer("guichet").start_as_current_span(
            name, context=_context_of(stored), kind=SpanKind[kind.upper()], attributes=dict(attributes or {})):
        yield


def _carried(context=None) -> dict | None:
    from opentelemetry import propagate

    carrier: dict[str, str] = {}
    propagate.inject(carrier, context=context)
    fields = {name: carrier[name] for name in TRACE_FIELDS if carrier.get(name)}
    return fields if "traceparent" in fields else None


def _context_of(stored: Mapping | None):
    """The context to start a span in: the one ``stored`` names, else an empty one (a new root span, never
    whatever span happens to be current in the thread)."""
    from opentelemetry import propagate
    from opentelemetry.context import Context

    carrier = {name: str(stored[name]) for name in TRACE_FIELDS if isinstance(stored, Mapping) and stored.get(name)}
    return propagate.extract(carrier, context=Context())


def _message_attributes(envelope: Mapping, operation: str) -> dict[str, str]:
    return {"messaging.system": MESSAGING_SYSTEM, "messaging.operation.type": operation,
            "messaging.rabbitmq.destination.routing_key": str(envelope.get("type", "")),
            "messaging.message.id": str(envelope.get("id", "")),
            "messaging.message.conversation_id": str(envelope.get("correlation_id", ""))}


def _failed(span, error: BaseException) -> None:
    from opentelemetry.trace import Status, StatusCode

    span.record_exception(error)
    span.set_status(Status(StatusCode.ERROR, f"{type(error).__name__}: {error}"[:200]))
