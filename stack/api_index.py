"""The root of the embedded platform while no web front end is mounted: links to each API."""
from __future__ import annotations

from flask import Flask, jsonify

from stack.services import API_SERVICES


def create_index_app() -> Flask:
    app = Flask("guichet.index")

    @app.get("/api/docs")
    def api_docs():
        return jsonify(services=[{"service": name, "openapi": f"/api/{name}/openapi.json",
                                  "swagger_ui": f"/api/{name}/docs"} for name in API_SERVICES])

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok", service="platform")

    return app
