"""Unit tests of the web app's own code, inside a Flask request context in the language asked."""
from __future__ import annotations

import pytest
from flask import Flask, session


@pytest.fixture
def app():
    """A bare Flask app; a module that renders templates gives its own ``app``."""
    app = Flask("web-units")
    app.secret_key = "units"
    return app


@pytest.fixture
def in_language(app):
    """``in_language("en")`` enters a request of ``app`` whose person reads English."""
    contexts = []

    def enter(language: str):
        context = app.test_request_context("/")
        context.push()
        session["lang"] = language
        contexts.append(context)
    yield enter
    for context in reversed(contexts):
        context.pop()
