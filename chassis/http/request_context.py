"""Request id in, request id out: binds the correlation id and the log context for each request."""
from __future__ import annotations

import re

import structlog
from flask import Flask, g, request

from chassis.correlation import bind_correlation_id, new_id, reset_correlation_id

_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def install_request_context(app: Flask, service: str) -> None:
    @app.before_request
    def _bind():
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_ID.match(incoming) else new_id()
        g.request_id = request_id
        g.service_name = service
        g.correlation_token = bind_correlation_id(request_id)
        structlog.contextvars.bind_contextvars(request_id=request_id)

    @app.after_request
    def _echo(response):
        response.headers["X-Request-ID"] = g.get("request_id") or new_id()
        return response

    @app.teardown_request
    def _unbind(_exc):
        token = g.pop("correlation_token", None)
        if token is not None:
            reset_correlation_id(token)
        structlog.contextvars.unbind_contextvars("request_id")
