"""The bare baseline of benchmark 1: plain Flask, the same RS256 token check, one row by primary key.

No chassis, no flask-smorest, no ORM: PyJWT verifies the bearer token against the same JWKS as the
platform (the auth service's ``/.well-known/jwks.json``, pinned RS256, audience, issuer, required claims),
then SQLAlchemy Core reads one row of the cards database's ``sessions`` table by primary key (read), or
inserts one row into ``bench_baseline_writes`` (write). It serves the platform's paths, so the same wrk
scripts and the same nginx gateway configuration (its cards upstream pointed here) can be used::

    GET  /sessions/<id>               -> 200 the row as JSON (404 when absent)
    POST /sessions/<id>/participants  -> 201 {"id": ...}

Served with the platform's own gunicorn settings file (``chassis/http/gunicorn_settings.py``: workers from
``WEB_CONCURRENCY``, threads from ``GUNICORN_THREADS``, access log on stdout), see ``bench/gateway.py``.
Environment: ``BASELINE_DATABASE_URL``, ``AUTH_JWKS_URL``, ``TOKEN_ISSUER``, ``TOKEN_AUDIENCE``.
"""
from __future__ import annotations

import os
import uuid

import jwt
from flask import Flask, jsonify, request
from sqlalchemy import create_engine, text

WRITES_TABLE = """CREATE TABLE IF NOT EXISTS bench_baseline_writes (
    id uuid PRIMARY KEY, session_id text NOT NULL, body jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now())"""


def create_app() -> Flask:
    app = Flask(__name__)
    engine = create_engine(os.environ["BASELINE_DATABASE_URL"])
    keys = jwt.PyJWKClient(os.environ["AUTH_JWKS_URL"], cache_jwk_set=True, lifespan=300, timeout=5)
    issuer, audience = os.environ.get("TOKEN_ISSUER", "guichet-auth"), os.environ.get("TOKEN_AUDIENCE", "guichet")

    def authenticated() -> dict | None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        try:
            key = keys.get_signing_key_from_jwt(token).key
            return jwt.decode(token, key, algorithms=["RS256"], audience=audience, issuer=issuer, leeway=5,
                              options={"require": ["exp", "iat", "sub", "jti", "aud", "iss"]})
        except jwt.PyJWTError:
            return None

    @app.get("/sessions/<session_id>")
    def read(session_id: str):
        if authenticated() is None:
            return jsonify(error="unauthorized"), 401
        with engine.connect() as connection:
            row = connection.execute(text("SELECT * FROM sessions WHERE id = :id"),
                                     {"id": session_id}).mappings().first()
        if row is None:
            return jsonify(error="not_found"), 404
        return jsonify({key: (str(value) if value is not None else None) for key, value in row.items()})

    @app.post("/sessions/<session_id>/participants")
    def write(session_id: str):
        if authenticated() is None:
            return jsonify(error="unauthorized"), 401
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return jsonify(error="bad_request"), 400
        row_id = uuid.uuid4()
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO bench_baseline_writes (id, session_id, body) "
                                    "VALUES (:id, :session_id, CAST(:body AS jsonb))"),
                               {"id": row_id, "session_id": session_id, "body": request.get_data(as_text=True)})
        return jsonify(id=str(row_id)), 201

    return app


app = create_app() if "BASELINE_DATABASE_URL" in os.environ else None
