"""The contract's error body, for every 4xx and 5xx a service returns.

``{"error": {"code": "...", "message": "...", "fields": {"field": ["message", ...]}}}``
Raise an ``ApiError`` (or one of its subclasses) from a view; anything else that escapes
becomes a 500 with a generic message and the stack trace only in the log.
"""
from __future__ import annotations

from flask import Flask, g, jsonify, request
from marshmallow import INCLUDE, Schema, fields
from werkzeug.exceptions import HTTPException

_CODES = {
    400: ("bad_request", "La requête est mal formée. / The request is malformed."),
    401: ("unauthorized", "Authentification requise. / Authentication required."),
    403: ("forbidden", "Accès refusé. / Access denied."),
    404: ("not_found", "Ressource introuvable. / Resource not found."),
    405: ("method_not_allowed", "Méthode non permise. / Method not allowed."),
    409: ("conflict", "Conflit avec l'état actuel. / Conflict with the current state."),
    413: ("payload_too_large", "Le contenu envoyé est trop volumineux. / The request body is too large."),
    415: ("unsupported_media_type", "Type de contenu non pris en charge. / Unsupported content type."),
    422: ("validation_error", "Certains champs sont invalides. / Some fields are invalid."),
    429: ("too_many_requests", "Trop de tentatives, réessayez plus tard. / Too many attempts, try again later."),
    500: ("internal_error", "Erreur interne. / Internal error."),
    503: ("unavailable", "Service temporairement indisponible. / Service temporarily unavailable."),
}


DATABASE_RETRY_AFTER_SECONDS = 5


class ErrorDetailSchema(Schema):
    """The body of every error (documented in each service's OpenAPI as the default response)."""

    class Meta:
        unknown = INCLUDE  # some errors add context, e.g. the bad lines of a CSV import

    code = fields.String(required=True, metadata={"example": "validation_error"})
    message = fields.String(required=True)
    fields_ = fields.Dict(data_key="fields", keys=fields.String(),
                          metadata={"description": "Field name -> messages (422)."})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


class ApiError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str | None = None, *, fields: dict | None = None, status: int | None = None,
                 code: str | None = None, headers: dict | None = None, extra: dict | None = None):
        super().__init__(message or "")
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        self.message = message or _CODES.get(self.status, ("", ""))[1]
        self.fields = fields or {}
        self.headers = headers or {}
        self.extra = extra or {}


class ValidationFailed(ApiError):
    status, code = 422, "validation_error"


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class NotFound(ApiError):
    status, code = 404, "not_found"


class Conflict(ApiError):
    status, code = 409, "conflict"


class TooManyRequests(ApiError):
    status, code = 429, "too_many_requests"


def error_body(status: int, code: str | None = None, message: str | None = None, fields: dict | None = None,
               extra: dict | None = None) -> dict:
    default_code, default_message = _CODES.get(status, ("error", "Erreur. / Error."))
    body = {"code": code or default_code, "message": message or default_message}
    if fields:
        body["fields"] = fields
    if extra:
        body.update(extra)
    return {"error": body}


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
            message = "Le corps JSON est mal formé. / The JSON body is malformed."
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
    return _json(422, error_body(422, message="Une valeur ne peut pas être enregistrée. / "
                                             "A value cannot be stored."))


def register_error_handlers(app: Flask) -> None:
    from sqlalchemy.exc import DataError, DisconnectionError, InterfaceError, OperationalError, TimeoutError

    app.register_error_handler(DataError, handle_database_refused_value)
    for database_error in (OperationalError, InterfaceError, DisconnectionError, TimeoutError):
        app.register_error_handler(database_error, handle_database_unavailable)
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
