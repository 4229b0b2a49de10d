"""A Flask app speaks the caller's language: Flask-Babel picks it, ``chassis.i18n`` translates with it.

APIs answer in the best language of ``Accept-Language`` (French when it is absent or names none of
ours) and say which in ``Content-Language``; the web app passes its own choice (the person's toggle or
profile first). Templates get ``_`` and ``ngettext`` from ``chassis.i18n``, so a page and the Python
behind it read one catalogue the same way.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from flask import Flask, g, request
from flask_babel import Babel

from chassis.i18n import (
    Catalogue,
    language_of,
    negotiate,
    start_speaking,
    stop_speaking,
    translate,
    translate_plural,
)

# Browsers send one of a handful of headers: each is parsed once.
_negotiated = lru_cache(maxsize=256)(negotiate)


def accept_language() -> str:
    return _negotiated(request.headers.get("Accept-Language"))


def install_i18n(app: Flask, catalogue: Catalogue, choose: Callable[[], str] = accept_language) -> None:
    app.config["BABEL_DEFAULT_LOCALE"] = "fr"
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(str(folder) for folder in catalogue.folders)
    Babel(app, locale_selector=lambda: language_of(choose()))
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(translate, translate_plural, newstyle=True)  # Jinja fills them

    # The language is chosen once a request, here, as Babel's selector would (Babel still answers get_locale()
    # for whoever asks; asking it twice a request cost a Locale parsed each time).
    @app.before_request
    def _speak_the_callers_language():
        g._language = language = language_of(choose())
        g._speaking = start_speaking(language, catalogue)

    @app.after_request
    def _say_which(response):
        response.headers["Content-Language"] = g.get("_language") or language_of(choose())
        response.vary.add("Accept-Language")
        return response

    @app.teardown_request
    def _stop_speaking(_error=None):
        token = g.pop("_speaking", None)
        if token is not None:
            stop_speaking(token)

