"""The person's language: their choice in this browser, else their profile's, else their browser's, else French.

Pages and the Python behind them speak through ``chassis.i18n`` (French source text, English in
``services/web/translations``); ``chassis.http.i18n`` asks ``chosen_language`` once per request. The APIs
answer in the language the web sends them (``Accept-Language``), so their messages are shown as they come.
"""
from __future__ import annotations

from flask import request, session

from chassis.i18n import LANGUAGES, Catalogue, current_language, negotiate

WEB_CATALOGUE = Catalogue.of_service("web")
SESSION_KEY = "lang"


def session_choice() -> str | None:
    """The language chosen with the FR/EN switch in this browser session, if any."""
    chosen = session.get(SESSION_KEY)
    return chosen if chosen in LANGUAGES else None


def profile_language() -> str | None:
    """The signed-in person's profile language (what their emails are written in), if any."""
    if not session.get("sid") or request.endpoint == "static":  # a stylesheet needs no session row read
        return None
    from services.web.web_session import current_login  # web_session builds the gateway in our language

    login = current_login()
    language = (login.profile.get("language") if login is not None else None) or ""
    return language if language in LANGUAGES else None


def chosen_language() -> str:
    """Explicit choice in this session, then the profile's language, then ``Accept-Language``, then French."""
    return session_choice() or profile_language() or negotiate(request.headers.get("Accept-Language"))


def switch_target() -> str:
    return "en" if current_language() == "fr" else "fr"


def safe_next(default: str = "/") -> str:
    """A local path to come back to (never another site)."""
    target = request.args.get("next") or request.form.get("next") or ""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
