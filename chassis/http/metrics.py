"""Prometheus metrics per app: request count and latency, labelled by endpoint and status."""
from __future__ import annotations

import time

from flask import Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest


def install_metrics(app: Flask, service: str) -> CollectorRegistry:
    registry = CollectorRegistry()
    requests_total = Counter("http_requests_total", "HTTP requests", ["service", "method", "endpoint", "status"],
                             registry=registry)
    latency = Histogram("http_request_duration_seconds", "HTTP request latency", ["service", "method", "endpoint"],
                        registry=registry)
    app.extensions["metrics_registry"] = registry

    @app.before_request
    def _start():
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _observe(response):
        started = g.get("metrics_started")
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        if started is not None:
            latency.labels(service, request.method, endpoint).observe(time.perf_counter() - started)
        requests_total.labels(service, request.method, endpoint, str(response.status_code)).inc()
        return response

    @app.get("/metrics")
    def metrics():
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)

    return registry
