"""Flask's side of the contract's error body: every 4xx and 5xx an app returns, in ``chassis.errors``' shape."""
from __future__ import annotations

from flask import Flask, g, jsonify, request
from werkzeug.exceptions import HTTPException

from chassis.errors import DATABASE_RETRY_AFTER_SECONDS, ApiError, error_body
from chassis.i18n import _


def flatten_webargs_messages(messages) -> dict:
    """webargs nests errors under the location (``{"json": {...}}``); the contract wants fields only."""
    if not isinstance(messages, dict):
        return {"_schema": messages if isinstance(messages, list) else [str(messages)]}
    flat: dict = {}
    for location, errors in messages.items():
        if location in {"json", "query", "form", "files", "headers", "view_args", "json_or_form", "querystring"}:
            if isinstance(errors, dict):
                flat.update(errors)
            else:
                flat.setdefault("_schema", []).extend(errors if isinstance(errors, list) else [str(errors)])
        else:
            flat[location] = errors
    return flat


def _json(status: int, body: dict, headers: dict | None = None):
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    fields = None
    message = None
    if "messages" in data:  # webargs / flask-smorest validation
        fields = flatten_webargs_messages(data["messages"])
        if status == 400 and any("Invalid JSON" in str(m) for m in fields.get("_schema", [])):
            message = _("Le corps JSON est mal formé.")
    elif "errors" in data:
        fields = data["errors"]
    message = message or data.get("message")
    headers = dict(data.get("headers") or {})
    if status == 405 and error.get_response().headers.get("Allow"):
        headers["Allow"] = error.get_response().headers["Allow"]
    return _json(status, error_body(status, message=message, fields=fields), headers)


def handle_api_error(error: ApiError):
    return _json(error.status, error_body(error.status, error.code, error.message, error.fields, error.extra),
                 error.headers)


def handle_unexpected(error: Exception):
    from chassis.logging import get_logger

    get_logger(getattr(g, "service_name", "unknown")).error(
        "unhandled_exception", path=request.path, method=request.method, exc_info=error)
    return _json(500, error_body(500))


def handle_database_unavailable(error: Exception):
    """The service's database does not answer: a temporary 503 the client may retry, not a 500."""
    from chassis.logging import get_logger

    get_logger(getattr(g, "service_name", "unknown")).warning(
        "database_unavailable", path=request.path, error=type(error).__name__)
    return _json(503, error_body(503), {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)})


def handle_database_refused_value(error: Exception):
    """A value the database cannot store (out of range, bad encoding) that validation let through:
    still bad input, so a 422 and never a 500; the transaction has rolled back."""
    from chassis.logging import get_logger

    get_logger(getattr(g, "service_name", "unknown")).warning(
        "database_refused_value", path=request.path, error=type(error).__name__)
    return _json(422, error_body(422, message=_("Une valeur ne peut pas être enregistrée.")))


def register_error_handlers(app: Flask) -> None:
    from sqlalchemy.exc import DataError, DisconnectionError, InterfaceError, OperationalError, TimeoutError

    app.register_error_handler(DataError, handle_database_refused_value)
    for database_error in (OperationalError, InterfaceError, DisconnectionError, TimeoutError):
        app.register_error_handler(database_error, handle_database_unavailable)
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
