"""Prometheus metrics of an API: its requests by route, method and status class, and their latency.

- ``guichet_http_requests_total{service, route, method, status_class}``
- ``guichet_http_request_duration_seconds{service, route, method}`` (histogram)

``route`` is the URL rule that matched (``/sessions/<uuid:session_id>``), never the path: ids in paths would
make a series each. A request no rule matched (404, 405) is ``unmatched``. ``status_class``: ``2xx`` .. ``5xx``.

Under gunicorn, prometheus-client runs in multiprocess mode (``chassis.http.gunicorn_metrics``): each worker
writes its values to files, and ``/metrics`` adds up the files of every worker, so one scrape answers for the
whole service, whichever worker serves it. Elsewhere (Flask's test client, the embedded stack) the app keeps
its values in its own registry.
"""
from __future__ import annotations

import time

from flask import Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, values
from prometheus_client.multiprocess import MultiProcessCollector

UNMATCHED = "unmatched"
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def multiprocess_mode() -> bool:
    """prometheus-client chose, when first imported, to keep its values in files (gunicorn)."""
    return bool(getattr(values.ValueClass, "_multiprocess", False))


def install_metrics(app: Flask, service: str) -> CollectorRegistry:
    registry = CollectorRegistry()
    requests_total = Counter("guichet_http_requests_total", "HTTP requests answered, by route, method and status class",
                             ["service", "route", "method", "status_class"], registry=registry)
    duration = Histogram("guichet_http_request_duration_seconds", "Time to answer an HTTP request, by route",
                         ["service", "route", "method"], buckets=BUCKETS, registry=registry)
    app.extensions["metrics_registry"] = registry
    shared = multiprocess_mode()

    def _start():
        g.metrics_started = time.perf_counter()

    # First of the before_request functions: a request another one answers (415, a refused body) is timed too.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)

    series: dict[tuple, object] = {}  # the labelled series, looked up once (``labels`` locks and builds a key)

    def _series(metric, *labels):
        found = series.get((metric, labels))
        if found is None:
            found = series[(metric, labels)] = metric.labels(service, *labels)
        return found

    @app.after_request
    def _observe(response):
        route = request.url_rule.rule if request.url_rule else UNMATCHED
        started = g.get("metrics_started")
        if started is not None:
            _series(duration, route, request.method).observe(time.perf_counter() - started)
        _series(requests_total, route, request.method, f"{response.status_code // 100}xx").inc()
        return response

    @app.get("/metrics")
    def metrics():
        if shared:  # every worker's files, read at each scrape (workers come and go)
            scraped = CollectorRegistry()
            MultiProcessCollector(scraped)
        else:
            scraped = registry
        return Response(generate_latest(scraped), mimetype=CONTENT_TYPE_LATEST)

    return registry
