"""Who is signed in on this request, the API gateway bound to them, and the access decorators."""
from __future__ import annotations

import logging
from functools import wraps

from flask import current_app, g, redirect, request, session, url_for

from chassis.i18n import LANGUAGES, current_language
from services.web.clients import auth
from services.web.clients.gateway import ApiError, Gateway, NotSignedIn
from services.web.session_store import Login, SessionStore

log = logging.getLogger(__name__)

CARDS_ROLES = ("trainer",)
CARDS_STAFF = "cards_staff"
PRODUCTIONS_STAFF = "productions_staff"
MEMBER = "member"


def store() -> SessionStore:
    return current_app.extensions["web_sessions"]


def current_login() -> Login | None:
    if "login" not in g:
        g.login = store().load(session.get("sid"))
    return g.login


def api() -> Gateway:
    """The gateway client for this request, acting as the signed-in person when there is one."""
    if "api" not in g:
        config = current_app.extensions["web_config"]
        g.api = Gateway(config.api_base_url, config.api_timeout, login=current_login(),
                        request_id=g.get("request_id"), language=current_language(),
                        on_tokens=lambda login, tokens: store().save_tokens(login, tokens))
    return g.api


def start_session(tokens: dict, profile: dict, portal: str, remember_me: bool) -> Login:
    old = session.get("sid")
    if old:
        store().delete(old)
    login = store().create(tokens, profile, portal)
    language = session.get("lang")
    session.clear()
    session["sid"] = login.sid
    if language:
        session["lang"] = language
    session.permanent = bool(remember_me)
    g.login = login
    g.pop("api", None)
    return login


def end_session() -> None:
    sid = session.get("sid")
    if sid:
        store().delete(sid)
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    g.login = None
    g.pop("api", None)


def remember_language(language: str) -> bool:
    """Saves the signed-in person's language in their auth profile (their emails follow it); False when
    nobody is signed in or auth refused (a forced password change first, an expired session)."""
    login = current_login()
    if login is None or language not in LANGUAGES:
        return False
    if login.profile.get("language") == language:
        return True
    try:
        profile = auth.update_me(api(), language=language)
    except (ApiError, NotSignedIn) as error:
        log.info("language not saved in the profile: %s", error)
        return False
    store().update(login, profile=profile)
    return True


def login_page_for(path: str) -> str:
    if path.startswith("/aqpm"):
        return url_for("portal_productions.login", next=path)
    return url_for("account.login", next=path)


def login_required(*roles: str):
    """The view needs a signed-in person (with one of ``roles`` when given); a forced password
    change comes first. Someone without the role gets a 404, like a resource that is not theirs."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            login = current_login()
            if login is None:
                return redirect(login_page_for(request.full_path.rstrip("?")))
            if login.must_change_password and request.endpoint != "account.change_password":
                return redirect(url_for("account.change_password", forced=1))
            if roles and not login.has(*roles):
                from flask import abort
                abort(404)
            return view(*args, **kwargs)
        return wrapper
    return decorate


def home_for(login: Login | None) -> str:
    if login is None:
        return url_for("account.login")
    if login.has(CARDS_STAFF):
        return url_for("backoffice.cards_home")
    if login.has(PRODUCTIONS_STAFF):
        return url_for("backoffice.productions_home")
    if login.has(MEMBER):
        return url_for("portal_productions.sheets")
    return url_for("portal_cards.sessions")
