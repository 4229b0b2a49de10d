"""What guards auth's views: the caller's token and roles, and racing creations answered with a 409."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError

from chassis.errors import Conflict
from chassis.http.bearer_auth import require_bearer
from chassis.i18n import N_

DUPLICATE = N_("Ce compte existe déjà.")

# Every service's check, shown in auth's OpenAPI as bearer-secured (the name auth's views know it by).
require_user = require_bearer


@contextmanager
def duplicates_as_conflict():
    """Two requests racing to create the same email or card: the loser gets a 409, not a 500."""
    try:
        yield
    except IntegrityError as error:
        raise Conflict(DUPLICATE) from error
