"""Small helpers shared by auth's views: the use-case context, the caller's address, guards."""
from __future__ import annotations

from contextlib import contextmanager

from flask import current_app, request
from flask_smorest.utils import deepupdate
from sqlalchemy.exc import IntegrityError

from chassis.errors import Conflict
from chassis.tokens import Principal, current_principal, require_auth
from services.auth.accounts.context import AuthContext
from services.auth.api.client_address import resolve as resolve_client_address

DUPLICATE = "Ce compte existe déjà. / This account already exists."


def auth_context() -> AuthContext:
    return current_app.extensions["auth"]


def client_address() -> str:
    """The peer address, or the client the gateway names in ``X-Forwarded-For`` when the peer is one
    of ``AUTH_TRUSTED_PROXIES`` (see ``client_address.resolve``): from anyone else the header is ignored."""
    return resolve_client_address(request.remote_addr, request.headers.get("X-Forwarded-For"),
                                  auth_context().settings.trusted_proxies)


def require_user(*roles: str, allow_pending_password_change: bool = False):
    """Every service's check (``chassis.tokens.require_auth``: 401, a temporary-password token refused
    unless the view allows it, then 403 for the role), shown in auth's OpenAPI as bearer-secured."""
    def decorate(view):
        wrapper = require_auth(*roles, allow_pending_password_change=allow_pending_password_change)(view)
        wrapper._apidoc = deepupdate(getattr(wrapper, "_apidoc", {}),
                                     {"manual_doc": {"security": [{"bearer": []}]}})
        return wrapper
    return decorate


def caller() -> Principal:
    return current_principal()


@contextmanager
def duplicates_as_conflict():
    """Two requests racing to create the same email or card: the loser gets a 409, not a 500."""
    try:
        yield
    except IntegrityError as error:
        raise Conflict(DUPLICATE) from error
