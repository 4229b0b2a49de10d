"""What a view needs from the app: the database, the auth settings, the use cases' context, the caller
and the address the caller is asking from."""
from __future__ import annotations

from flask import current_app, request

from chassis.http.current import database
from chassis.tokens import Principal, current_principal
from services.auth.config import AuthSettings
from services.auth.domain.client_address import resolve as resolve_client_address
from services.auth.operations.context import AuthContext

__all__ = ["auth_context", "caller", "client_address", "database", "settings"]


def auth_context() -> AuthContext:
    """The keys, throttle and settings the use cases of ``operations/`` take, built once by ``create_app``."""
    return current_app.extensions["auth"]


def settings() -> AuthSettings:
    return auth_context().settings


def caller() -> Principal:
    return current_principal()


def client_address() -> str:
    """The peer address, or the client the gateway names in ``X-Forwarded-For`` when the peer is one
    of ``AUTH_TRUSTED_PROXIES`` (see ``domain/client_address.py``): from anyone else the header is ignored."""
    return resolve_client_address(request.remote_addr, request.headers.get("X-Forwarded-For"),
                                  settings().trusted_proxies)
