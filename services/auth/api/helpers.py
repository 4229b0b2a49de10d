"""Small helpers shared by auth's views: the use-case context, the caller's address, guards."""
from __future__ import annotations

import functools
from contextlib import contextmanager

from flask import current_app, request
from flask_smorest.utils import deepupdate
from sqlalchemy.exc import IntegrityError

from chassis.errors import Conflict, Forbidden
from chassis.tokens import Principal, current_principal
from services.auth.accounts.context import AuthContext
from services.auth.api.client_address import resolve as resolve_client_address

PASSWORD_CHANGE_REQUIRED = ("Changez d'abord votre mot de passe temporaire. / "
                            "Change your temporary password first.")
ROLE_FORBIDDEN = "Ce rôle n'a pas accès à cette action. / Your role may not do this."
DUPLICATE = "Ce compte existe déjà. / This account already exists."


def auth_context() -> AuthContext:
    return current_app.extensions["auth"]


def client_address() -> str:
    """The peer address, or the client the gateway names in ``X-Forwarded-For`` when the peer is one
    of ``AUTH_TRUSTED_PROXIES`` (see ``client_address.resolve``): from anyone else the header is ignored."""
    return resolve_client_address(request.remote_addr, request.headers.get("X-Forwarded-For"),
                                  auth_context().settings.trusted_proxies)


def require_user(*roles: str, allow_pending_password_change: bool = False):
    """A valid access token (401), then a role among ``roles`` when given (403). A token from a
    temporary-password login (``pwd_change_required``) is refused (403) unless the view allows it."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            principal = current_principal()
            if principal.claims.get("pwd_change_required") and not allow_pending_password_change:
                raise Forbidden(PASSWORD_CHANGE_REQUIRED, code="password_change_required")
            if roles and not principal.has_role(*roles):
                raise Forbidden(ROLE_FORBIDDEN)
            return view(*args, **kwargs)
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
