"""gunicorn's answers to requests it cannot parse, in the contract's error body instead of HTML.

gunicorn answers a request it rejects before the app sees it (a control character in a header value,
a bad chunk size, a request line over its limit...) with an HTML page written by ``gunicorn.util.
write_error``, and has no setting for that page. The gateway passes upstream answers through as they
are, so a client would get HTML from a JSON API. ``install()`` (called by the ``on_starting`` hook of
``gunicorn_settings``, in the master, before the workers fork) makes gunicorn write
``{"error": {"code", "message"}}`` with the same status instead.
"""
from __future__ import annotations

import json

# status -> (code, French, English); any other status gets the 400 text. gunicorn answers before any
# header is read, so it cannot know the caller's language: French, the platform's default (the English
# stays here for the log line and the reader of this table).
_ERRORS = {
    400: ("bad_request", "La requête est mal formée.", "The request is malformed."),
    403: ("forbidden", "Requête refusée.", "Request forbidden."),
    414: ("uri_too_long", "L’adresse demandée est trop longue.", "The requested URI is too long."),
    417: ("expectation_failed", "L’en-tête Expect n’est pas pris en charge.", "The Expect header is not supported."),
    431: ("headers_too_large", "Les en-têtes de la requête sont trop volumineux.",
          "The request headers are too large."),
    500: ("internal_error", "Erreur interne.", "Internal error."),
    501: ("not_implemented", "Ce codage de transfert n’est pas pris en charge.",
          "This transfer coding is not supported."),
}


def json_error_response(status: int, reason: str, detail: str) -> bytes:
    """The whole HTTP answer gunicorn writes for ``status`` (``detail`` is gunicorn's own message)."""
    code, french, _english = _ERRORS.get(status, _ERRORS[400])
    if detail and status < 500:  # which header or line was refused helps the caller; a 5xx says nothing more
        french = f"{french.rstrip('.')} ({detail})."
    body = json.dumps({"error": {"code": code, "message": french}}).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"Content-Language: fr\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode("latin-1") + body


def install() -> None:
    from gunicorn import util

    def write_error(sock, status_int, reason, mesg):
        util.write_nonblock(sock, json_error_response(int(status_int), reason, mesg))

    util.write_error = write_error
