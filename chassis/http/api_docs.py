"""Each service's API documentation: its OpenAPI document made usable through the gateway, and Swagger UI offline.

- ``servers: [{"url": "/api/<service>"}]``: the gateway serves a service under ``/api/<service>`` (and strips
  the prefix), so "Try it out" in Swagger UI, and any client generated from the document, calls the right path.
- ``operationId`` on every operation, from the view function's name (``list_sessions``): stable (renaming a
  view is the only way to change it), readable, and unique per document (``OperationIds`` refuses a
  second operation with the same id when the app is built, so a clash is a failing test, not a silent one).
- Swagger UI at ``/docs`` from the copy kept in ``chassis/http/swagger_ui/`` (swagger-ui-dist, version in
  ``SWAGGER_UI_VERSION``; ``LICENSE`` and ``NOTICE`` beside it), never from a CDN: the page works on a
  network with no way out, and no third party learns who reads the documentation. Every URL of the page
  is relative, so it works the same at ``/docs`` on the service and at ``/api/<service>/docs`` through the
  gateway (or under ``stack.embedded``'s mount), with or without a trailing slash.

To update Swagger UI: take ``swagger-ui-bundle.js``, ``swagger-ui.css``, ``LICENSE``, ``NOTICE`` and
``swagger-ui-bundle.js.LICENSE.txt`` from the swagger-ui-dist package of the new version, and change
``SWAGGER_UI_VERSION`` and ``SWAGGER_UI_SHA256`` (``tests/chassis/test_api_docs.py`` checks the files).
"""
from __future__ import annotations

import re
from pathlib import Path

from apispec import BasePlugin
from flask import Blueprint, Flask, Response, abort, current_app, render_template_string, request, send_from_directory

from chassis.i18n import current_language

SWAGGER_UI_VERSION = "5.36.0"
SWAGGER_UI_FOLDER = Path(__file__).resolve().parent / "swagger_ui"
# The files served, with the SHA-256 of the copy taken from swagger-ui-dist 5.36.0 (npm).
SWAGGER_UI_SHA256 = {
    "swagger-ui-bundle.js": "b164c5a22535e40dae08c00271674a67e437ec195098c55fcedf8ffac7ac3c88",
    "swagger-ui.css": "7eb9f5a125e4bc9b3f0b71869b66d1a3d7c501f972f53d44ef91c2ae6c5bda5e",
    "guichet-swagger-ui.js": None,  # the platform's own start-up script (no inline script: strict CSP)
}
DOCS_PATH = "/docs"
ASSETS_PATH = "/docs/assets"

# The page's own policy (the gateway sends none for /api/<service>/docs and passes this one on):
# everything from the service itself, nothing from anywhere else, no inline script.
DOCS_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
            "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

_PAGE = """<!doctype html>
<html lang="{{ language }}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{ title }}</title>
  <link rel="stylesheet" href="{{ assets }}swagger-ui.css">
  <script src="{{ assets }}swagger-ui-bundle.js" defer></script>
  <script src="{{ assets }}guichet-swagger-ui.js" data-spec-url="{{ spec_url }}" id="guichet-swagger-ui" defer></script>
</head>
<body>
  <div id="swagger-ui"></div>
  <noscript><p><a href="{{ spec_url }}">openapi.json</a></p></noscript>
</body>
</html>
"""


def service_prefix(service: str) -> str:
    """The path under which the gateway serves a service."""
    return f"/api/{service}"


def spec_options(service: str) -> dict:
    """What every service's OpenAPI document says about where it is served."""
    return {"servers": [{"url": service_prefix(service)}]}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class OperationIds(BasePlugin):
    """Gives each operation the name of its view function as ``operationId`` (unless the view sets its own
    with ``@blp.doc(operationId=...)``); a class-based view (``MethodView``) or a view answering several
    methods gets ``<method>_<name>`` (``SessionItem``'s PATCH: ``patch_session_item``)."""

    def __init__(self):
        super().__init__()
        self.seen: dict[str, str] = {}

    def operation_helper(self, path=None, operations=None, **kwargs):
        rule = kwargs.get("rule")
        if rule is None or not operations:
            return
        view = rule.endpoint.rsplit(".", 1)[-1]
        methods = [method for method in operations if method != "parameters"]
        by_method = len(methods) > 1 or view[:1].isupper()
        for method in methods:
            operation = operations[method]
            if "operationId" not in operation:
                operation["operationId"] = f"{method}_{_snake(view)}" if by_method else view
            where = f"{method.upper()} {path}"
            first = self.seen.setdefault(operation["operationId"], where)
            if first != where:
                raise ValueError(f"operationId {operation['operationId']!r} of {where} is already {first}'s: "
                                 "rename one of the views, or give it @blp.doc(operationId=...)")


def _relative_base() -> str:
    """How the page reaches the service's root from where the browser is: ``/api/cards/docs`` -> ``""``
    (siblings of ``docs``), ``/api/cards/docs/`` -> ``"../"``."""
    return "../" if request.path.endswith("/") else ""


def _docs_page() -> Response:
    base = _relative_base()
    page = render_template_string(_PAGE, language=current_language(), title=current_app.config["API_TITLE"],
                                  assets=f"{base}docs/assets/", spec_url=f"{base}openapi.json")
    response = Response(page, mimetype="text/html")
    response.headers["Content-Security-Policy"] = DOCS_CSP
    response.headers["Cache-Control"] = "no-cache"
    return response


def _asset(name: str):
    if name not in SWAGGER_UI_SHA256:
        abort(404)
    return send_from_directory(SWAGGER_UI_FOLDER, name, max_age=3600)


def install_api_docs(app: Flask) -> None:
    """Serves Swagger UI at ``/docs`` and its files at ``/docs/assets/<name>``, all from the service."""
    blueprint = Blueprint("swagger_ui", __name__)
    blueprint.add_url_rule(DOCS_PATH, "page", _docs_page, methods=["GET"])
    blueprint.add_url_rule(f"{ASSETS_PATH}/<string:name>", "asset", _asset, methods=["GET"])
    app.register_blueprint(blueprint)
