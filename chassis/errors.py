"""The contract's error body, for every 4xx and 5xx a service returns.

``{"error": {"code": "...", "message": "...", "fields": {"field": ["message", ...]}}}``
Raise an ``ApiError`` (or one of its subclasses) from a view; anything else that escapes
becomes a 500 with a generic message and the stack trace only in the log (``chassis.http.error_handlers``).
No Flask here: workers and relays raise and catch these errors without loading a web framework.
"""
from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields

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
