"""``/healthz`` (the process answers) and ``/readyz`` (the checks it is given answer: a service's own database).

Both are for the platform (kubelet probes, the local stack), never for the internet: the gateway answers 404
for ``/api/<service>/healthz``, ``/readyz`` and ``/metrics``."""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask, jsonify

from chassis.logging import get_logger


def install_health(app: Flask, service: str, checks: dict[str, Callable[[], None]]) -> None:
    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok", service=service)

    @app.get("/readyz")
    def readyz():
        results, ready = {}, True
        for name, check in checks.items():
            try:
                check()
                results[name] = "ok"
            except Exception as error:  # any failure means "not ready", never a 500
                ready = False
                results[name] = "unavailable"
                get_logger(service).warning("readiness_check_failed", check=name, error=type(error).__name__)
        response = jsonify(status="ok" if ready else "unavailable", service=service, checks=results)
        response.status_code = 200 if ready else 503
        return response
