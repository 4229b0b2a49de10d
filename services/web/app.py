"""The web front end: ``create_app(config=None)`` -> Flask app serving both portals and the back office.

Server-rendered pages (Jinja2) that call the platform's APIs through the gateway origin
(``WEB_API_BASE_URL``) with the person's token, which never leaves the server (see session_store).
CSRF tokens on every form (Flask-WTF), a Content-Security-Policy allowing only 'self', French by
default with an English switch.
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask, get_flashed_messages, jsonify, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect
from jinja2 import pass_context
from werkzeug.middleware.proxy_fix import ProxyFix

from chassis import tracing
from chassis.db import Database
from chassis.http.i18n import install_i18n
from chassis.http.request_context import install_request_context
from chassis.i18n import LANGUAGES, N_, _, current_language
from chassis.logging import configure_logging
from services.web import formatting
from services.web.clients.gateway import ApiError, NotSignedIn
from services.web.config import WebConfig, load_config
from services.web.forms import FormState
from services.web.i18n import SESSION_KEY, WEB_CATALOGUE, chosen_language, safe_next, switch_target
from services.web.session_store import SessionStore
from services.web.web_session import current_login, end_session, login_page_for, remember_language

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'")


def create_app(config: WebConfig | None = None, db: Database | None = None, **_ignored) -> Flask:
    config = config or load_config()
    configure_logging(config.log_level)
    app = Flask("guichet.web", root_path=str(Path(__file__).resolve().parent), template_folder="templates",
                static_folder="static", static_url_path="/static")
    app.url_map.strict_slashes = False
    app.config.update(
        SECRET_KEY=config.secret_key,
        SESSION_COOKIE_NAME="guichet_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.cookie_secure,
        PERMANENT_SESSION_LIFETIME=timedelta(days=config.remember_days),
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=False,
    )
    db = db or Database(config.database_url)
    app.extensions["web_config"] = config
    app.extensions["web_db"] = db
    app.extensions["web_sessions"] = SessionStore(db, timedelta(days=config.remember_days), config.secret_key)
    CSRFProtect(app)
    install_request_context(app, "web")
    # The person's language (choice, profile, browser, French) for pages, and for the APIs' answers.
    install_i18n(app, WEB_CATALOGUE, choose=chosen_language)
    _install_templating(app)
    _install_security_headers(app)
    _install_error_pages(app)
    _register_blueprints(app)
    _install_common_routes(app)
    from services.web.account.privacy import warn_when_unnamed
    warn_when_unnamed(config)
    # Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set: a page's SERVER span, its statements, and its calls to
    # the APIs (their traceparent header), so one trace runs from the browser's request to the services.
    tracing.trace_app(app, "web", db)
    # Behind the gateway (one hop): request.remote_addr is the browser, passed on to the APIs.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)
    return app


def _register_blueprints(app: Flask) -> None:
    from services.web.account.views import blp as account
    from services.web.backoffice import blp as backoffice
    from services.web.portal_cards import blp as portal_cards
    from services.web.portal_productions import blp as portal_productions
    from services.web.set_demo import blp as set_demo

    for blueprint in (account, portal_cards, portal_productions, backoffice, set_demo):
        app.register_blueprint(blueprint)


def _install_templating(app: Flask) -> None:
    app.jinja_env.globals.update(current_login=current_login, current_language=current_language,
                                 switch_target=switch_target, form_messages=form_messages)
    app.jinja_env.filters.update(money=formatting.money, status=formatting.status_label,
                                 method=formatting.method_label, billed_to=formatting.billed_to_label,
                                 label=formatting.label_of, when=formatting.when,
                                 options=formatting.options, reference=formatting.reference_label)

    @app.context_processor
    def _portal():
        # by blueprint, else by path: a 404 under /aqpm/ is still a page of the AQPM portal
        portals = {"portal_productions": "aqpm", "set_demo": "aqpm", "backoffice": "staff"}
        by_blueprint = portals.get(request.blueprint or "")
        by_path = "aqpm" if request.path.startswith(("/aqpm", "/set-demo")) else \
            "staff" if request.path.startswith("/staff") else "cards"
        return {"portal": by_blueprint or by_path}


@pass_context
def form_messages(context) -> list[str]:
    """The top-of-page message of every form the page was given, whatever its name (``form``,
    ``login_form``, ``register_form``...), each once, and never one already shown beside a field
    or as a flashed message (the frame in base.html shows these)."""
    shown: set[str] = {message for _category, message in get_flashed_messages(with_categories=True)}
    for form in (value for value in context.get_all().values() if isinstance(value, FormState)):
        for messages in form.errors.values():
            shown.update(messages)
    messages = []
    for form in (value for value in context.get_all().values() if isinstance(value, FormState)):
        if form.message and form.message not in shown:
            shown.add(form.message)
            messages.append(form.message)
    return messages


def _install_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def _install_error_pages(app: Flask) -> None:
    @app.errorhandler(NotSignedIn)
    def _not_signed_in(_error):
        end_session()
        return redirect(login_page_for(request.path))

    @app.errorhandler(CSRFError)
    def _csrf(_error):
        return _error_page(400, _("Le formulaire a expiré. Rechargez la page et recommencez.")), 400

    @app.errorhandler(ApiError)
    def _api_error(error: ApiError):
        status = error.status if error.status in (400, 403, 404, 409, 413, 422, 429) else 503
        if error.status == 403:
            status = 404
        message = error.message if error.message and status != 404 else ""  # in our language already
        return _error_page(status, message), status

    for code in (400, 403, 404, 405, 413, 500):
        app.register_error_handler(code, lambda error, code=code: (_error_page(code, ""), code))


ERROR_TITLES = {400: N_("Requête invalide"), 404: N_("Page introuvable"), 405: N_("Méthode non permise"),
                409: N_("Conflit"), 413: N_("Fichier trop volumineux"), 429: N_("Trop de demandes"),
                500: N_("Erreur interne"), 503: N_("Service indisponible")}


def _error_page(status: int, message: str):
    return render_template("error.html", status=status, title=_(ERROR_TITLES.get(status, N_("Erreur"))),
                           message=message)


def _install_common_routes(app: Flask) -> None:
    @app.get("/lang/<language>")
    def switch_language(language: str):
        if language in LANGUAGES:
            session[SESSION_KEY] = language
            remember_language(language)  # signed in: their profile too, so their emails follow
        return redirect(safe_next(url_for("account.login")))

    @app.get("/favicon.ico")
    def favicon():
        # Browsers ask for /favicon.ico by habit; the pages link the SVG icon (served locally, CSP 'self').
        return redirect(url_for("static", filename="favicon.svg"), code=301)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok", service="web")

    @app.get("/readyz")
    def readyz():
        try:
            app.extensions["web_sessions"].count()
        except Exception:  # noqa: BLE001 - any database failure means not ready
            return jsonify(status="unavailable", service="web"), 503
        return jsonify(status="ok", service="web")
