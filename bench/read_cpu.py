"""Benchmark 1's read in one process, by CPU time: ``python -m bench read_cpu`` (with ``--compare`` too).

The cards app (``services.cards.app``, the chassis's hooks, flask-smorest, the token check) and a bare Flask
app (``bench/baseline_app.py``'s read: PyJWT on the same key with the same checks, one row by primary key
with SQLAlchemy Core, ``jsonify``) answer ``GET /sessions/<id>`` for the same trainer token, on the same
PostgreSQL database, through Flask's test client (no gunicorn, no nginx, no network). Blocks of ``READS``
reads alternate between the two apps; each figure is CPU ms (``time.process_time``) per read, and the bare
app's is the baseline of the cards one: bare / cards is the "read against the bare app" ratio by CPU, which
a machine shared with other work hardly moves (benchmark 1's throughput through wrk is the same ratio by
rate, and swings with whatever else runs).
"""
from __future__ import annotations

import statistics
import time

import jwt
from flask import Flask, jsonify, request
from sqlalchemy import text

from bench.common import Figure
from chassis.db import Database
from chassis.testing.tokens import TokenFactory
from tests.infra import migrated_database

READS = 400
BLOCKS = 5
BENCH = "1 read CPU"


def bare_app(db: Database, tokens: TokenFactory) -> Flask:
    """The baseline app's read, on an in-memory key instead of the auth service's key set."""
    app = Flask("bare")
    key = tokens.private_key.public_key()

    @app.get("/sessions/<session_id>")
    def read(session_id: str):
        _scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        try:
            jwt.decode(token, key, algorithms=["RS256"], audience=tokens.audience, issuer=tokens.issuer, leeway=5,
                       options={"require": ["exp", "iat", "sub", "jti", "aud", "iss"]})
        except jwt.PyJWTError:
            return jsonify(error="unauthorized"), 401
        with db.engine.connect() as connection:
            row = connection.execute(text("SELECT * FROM sessions WHERE id = :id"),
                                     {"id": session_id}).mappings().first()
        if row is None:
            return jsonify(error="not_found"), 404
        return jsonify({name: (str(value) if value is not None else None) for name, value in row.items()})

    return app


def cards_app(db: Database, tokens: TokenFactory):
    from services.cards.app import create_app
    from services.cards.config import load_config

    return create_app(load_config(database_url=db.url, extra={"VERIFY_MAX_FAILURES": "1000"}), db=db,
                      token_verifier=tokens.verifier())


def a_request(client, headers: dict) -> str:
    """A trainer's request with 3 participants, as benchmark 1 reads; its id."""
    from tests.cards.helpers import participant_form, session_form

    created = client.post("/sessions", json=session_form(), headers=headers)
    assert created.status_code == 201, created.get_json()
    session_id = created.get_json()["id"]
    for first_name in ("Anne", "Berthe", "Carole"):
        added = client.post(f"/sessions/{session_id}/participants", json=participant_form(first_name=first_name),
                            headers=headers)
        assert added.status_code == 201, added.get_json()
    return session_id


def cpu_per_read(client, path: str, headers: dict, reads: int = READS) -> float:
    started = time.process_time()
    for _ in range(reads):
        if client.get(path, headers=headers).status_code != 200:
            raise RuntimeError(f"GET {path} did not answer 200")
    return (time.process_time() - started) * 1000 / reads


def measure() -> tuple[float, float]:
    """One run: the medians of ``BLOCKS`` alternating blocks, CPU ms per read of the cards app and the bare one."""
    from tests.cards.helpers import seed_trainer

    db = Database(migrated_database("cards", "bench_read_cpu"))
    try:
        tokens = TokenFactory()
        cards = cards_app(db, tokens).test_client()
        bare = bare_app(db, tokens).test_client()
        trainer = seed_trainer(db)
        headers = tokens.headers(trainer["user_id"], ["trainer"])
        path = f"/sessions/{a_request(cards, headers)}"
        for client in (cards, bare):  # warm: connections, caches, compiled statements
            cpu_per_read(client, path, headers, 100)
        spent = {"cards": [], "bare": []}
        for _ in range(BLOCKS):
            spent["cards"].append(cpu_per_read(cards, path, headers))
            spent["bare"].append(cpu_per_read(bare, path, headers))
    finally:
        db.dispose()
    return statistics.median(spent["cards"]), statistics.median(spent["bare"])


def run(runs: int = 3) -> list[Figure]:
    cards = Figure(BENCH, "CPU per read, cards app (test client)", "ms", higher_is_better=False)
    bare = Figure(BENCH, "CPU per read, bare Flask + JWT + primary key (test client)", "ms",
                  higher_is_better=False)
    ratio = Figure(BENCH, "bare app CPU per read / cards CPU per read", "x", target=">= 0.9x")
    for _ in range(runs):
        cards_ms, bare_ms = measure()
        cards.add(cards_ms)
        bare.add(bare_ms)
        ratio.add(bare_ms / cards_ms)
    return [cards, bare, ratio]
