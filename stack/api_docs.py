"""``/api/docs`` of the embedded platform: the gateway's own API docs page (deploy/gateway/docs),
an index of every service's OpenAPI document, served as nginx serves it."""
from __future__ import annotations

from flask import Flask, send_from_directory

from chassis.config import REPO_ROOT

DOCS = REPO_ROOT / "deploy" / "gateway" / "docs"


def create_docs_app() -> Flask:
    app = Flask("guichet.api_docs")
    app.url_map.strict_slashes = True

    @app.get("/")
    def index():
        return send_from_directory(DOCS, "index.html")

    @app.get("/<path:name>")
    def asset(name: str):
        return send_from_directory(DOCS, name)

    return app

