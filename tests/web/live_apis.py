"""The platform's own APIs behind the web app in its tests: each service's Flask app on its own migrated
PostgreSQL database, served on one local port under the gateway's paths (``/api/<svc>/...``, as nginx routes
them), so a page the Flask test client asks for calls them over HTTP as it does in production; and people
signed in to the web with tokens those APIs accept."""
from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import Flask
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import WSGIRequestHandler, make_server

from chassis.db import Database
from chassis.testing.tokens import TokenFactory
from services.web.session_store import Login
from tests.infra import migrated_database


def _cards(url: str, db: Database, tokens: TokenFactory) -> Flask:
    from services.cards.app import create_app
    from services.cards.config import load_config
    return create_app(load_config(database_url=url), db=db, token_verifier=tokens.verifier())


def _productions(url: str, db: Database, tokens: TokenFactory) -> Flask:
    from services.productions.app import create_app
    from services.productions.config import load_config
    return create_app(load_config(database_url=url, extra={"SET_URL": "https://set.example.test/entree"}),
                      db=db, token_verifier=tokens.verifier())


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args) -> None:  # the test's failures say what matters, not one line a call
        pass


def _auth(url: str, db: Database, tokens: TokenFactory) -> Flask:
    from services.auth.app import create_app
    from services.auth.config import load_config
    return create_app(load_config(database_url=url, extra={"PRIVACY_OFFICERS": PRIVACY_OFFICER}), db=db,
                      token_verifier=tokens.verifier())


def _billing(url: str, db: Database, tokens: TokenFactory) -> Flask:
    from services.billing.app import create_app
    from services.billing.config import load_config
    return create_app(load_config(database_url=url), db=db, token_verifier=tokens.verifier())


PRIVACY_OFFICER = "responsable.prp@example.test"  # the person in charge of personal information, for auth
BUILDERS: dict[str, Callable[[str, Database, TokenFactory], Flask]] = {"cards": _cards, "productions": _productions,
                                                                      "auth": _auth, "billing": _billing}


@dataclass
class LiveApis:
    base_url: str
    tokens: TokenFactory
    apps: dict[str, Flask] = field(default_factory=dict)
    dbs: dict[str, Database] = field(default_factory=dict)

    def headers(self, user_id: str, roles: list[str]) -> dict:
        return self.tokens.headers(user_id, roles)

    def sign_in(self, web: Flask, client, user_id: str, roles: list[str], portal: str = "cards",
                **profile) -> Login:
        """``client`` is signed in to ``web`` as ``user_id`` with a token the APIs accept (as after a login)."""
        tokens = {"access_token": self.tokens.token(user_id, roles), "refresh_token": uuid.uuid4().hex,
                  "expires_in": 900}
        login = web.extensions["web_sessions"].create(
            tokens, {"id": user_id, "roles": roles, "first_name": "Claude", "last_name": "Éthier", **profile},
            portal)
        with client.session_transaction() as session:
            session["sid"] = login.sid
        return login


@contextmanager
def live_apis(name: str, services: tuple[str, ...]) -> Iterator[LiveApis]:
    """``services`` (``"cards"``, ``"productions"``, ``"auth"``, ``"billing"``) served at ``LiveApis.base_url``;
    databases ``<service>_<name>``, dropped and made again at each run."""
    tokens = TokenFactory()
    apis = LiveApis(base_url="", tokens=tokens)
    for service in services:
        url = migrated_database(service, f"{service}_{name}")
        apis.dbs[service] = Database(url, pool_size=2, max_overflow=2)
        apis.apps[service] = BUILDERS[service](url, apis.dbs[service], tokens)
    gateway = DispatcherMiddleware(NotFound(), {f"/api/{service}": app for service, app in apis.apps.items()})
    server = make_server("127.0.0.1", 0, gateway, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, name=f"apis-{name}", daemon=True)
    thread.start()
    apis.base_url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield apis
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        for db in apis.dbs.values():
            db.dispose()
