"""The contract's error body, for every 4xx and 5xx a service returns, in the language of the moment.

``{"error": {"code": "...", "message": "...", "fields": {"field": ["message", ...]}}}``
Raise an ``ApiError`` (or one of its subclasses) from a view; anything else that escapes
becomes a 500 with a generic message and the stack trace only in the log (``chassis.http.error_handlers``).
No Flask here: workers and relays raise and catch these errors without loading a web framework.
"""
from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields

from chassis.i18n import N_, translate
from chassis.validation_messages import source_of

_CODES = {
    400: ("bad_request", N_("La requête est mal formée.")),
    401: ("unauthorized", N_("Authentification requise.")),
    403: ("forbidden", N_("Accès refusé.")),
    404: ("not_found", N_("Ressource introuvable.")),
    405: ("method_not_allowed", N_("Méthode non permise.")),
    409: ("conflict", N_("Conflit avec l'état actuel.")),
    413: ("payload_too_large", N_("Le contenu envoyé est trop volumineux.")),
    415: ("unsupported_media_type", N_("Type de contenu non pris en charge.")),
    422: ("validation_error", N_("Certains champs sont invalides.")),
    429: ("too_many_requests", N_("Trop de tentatives, réessayez plus tard.")),
    500: ("internal_error", N_("Erreur interne.")),
    503: ("unavailable", N_("Service temporairement indisponible.")),
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


def _translated(messages):
    """Field messages in the language of the moment, however nested (a list's items, a nested object's
    fields). Messages raised already translated pass through; French source strings are translated here."""
    if isinstance(messages, dict):
        return {name: _translated(value) for name, value in messages.items()}
    if isinstance(messages, list | tuple):
        return [_translated(value) for value in messages]
    return translate(source_of(str(messages)))


def error_body(status: int, code: str | None = None, message: str | None = None, fields: dict | None = None,
               extra: dict | None = None) -> dict:
    default_code, default_message = _CODES.get(status, ("error", N_("Erreur.")))
    body = {"code": code or default_code, "message": translate(str(message or default_message))}
    if fields:
        body["fields"] = _translated(fields)
    if extra:
        body.update(extra)
    return {"error": body}
