"""Unit tests of the web app's own code, inside a Flask request context in the language asked."""
from __future__ import annotations

import pytest
from flask import Flask, session

from chassis.i18n import start_speaking, stop_speaking
from services.web.i18n import SESSION_KEY, WEB_CATALOGUE


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
        session[SESSION_KEY] = language  # the person's choice, as the FR/EN switch leaves it
        contexts.append((context, start_speaking(language, WEB_CATALOGUE)))
    yield enter
    for context, speaking in reversed(contexts):
        stop_speaking(speaking)
        context.pop()
