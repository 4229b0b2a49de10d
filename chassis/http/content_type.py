"""415 for a body that is not JSON, except on views marked ``@accepts_multipart``."""
from __future__ import annotations

from flask import Flask, current_app, request

from chassis.errors import ApiError
from chassis.i18n import _


def accepts_multipart(view):
    view.accepts_multipart = True
    return view


def install_content_type_check(app: Flask) -> None:
    @app.before_request
    def _check():
        if request.method not in {"POST", "PUT", "PATCH"}:
            return None
        has_body = (request.content_length or 0) > 0 or request.headers.get("Transfer-Encoding") == "chunked"
        if not has_body:
            return None
        view = current_app.view_functions.get(request.endpoint or "")
        if getattr(view, "accepts_multipart", False):
            if request.mimetype != "multipart/form-data":
                raise ApiError(_("Envoyez un fichier en multipart/form-data."),
                               status=415, code="unsupported_media_type")
            return None
        if not request.is_json:
            raise ApiError(_("Le corps doit être du JSON (Content-Type: application/json)."),
                           status=415, code="unsupported_media_type")
        return None
