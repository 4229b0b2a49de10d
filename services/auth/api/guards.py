"""What guards auth's views: the caller's token and roles, and racing creations answered with a 409."""
from __future__ import annotations

from contextlib import contextmanager

from flask_smorest.utils import deepupdate
from sqlalchemy.exc import IntegrityError

from chassis.errors import Conflict
from chassis.i18n import N_
from chassis.tokens import require_auth

DUPLICATE = N_("Ce compte existe déjà.")


def require_user(*roles: str, allow_pending_password_change: bool = False):
    """Every service's check (``chassis.tokens.require_auth``: 401, a temporary-password token refused
    unless the view allows it, then 403 for the role), shown in auth's OpenAPI as bearer-secured."""
    def decorate(view):
        wrapper = require_auth(*roles, allow_pending_password_change=allow_pending_password_change)(view)
        wrapper._apidoc = deepupdate(getattr(wrapper, "_apidoc", {}),
                                     {"manual_doc": {"security": [{"bearer": []}]}})
        return wrapper
    return decorate


@contextmanager
def duplicates_as_conflict():
    """Two requests racing to create the same email or card: the loser gets a 409, not a 500."""
    try:
        yield
    except IntegrityError as error:
        raise Conflict(DUPLICATE) from error
