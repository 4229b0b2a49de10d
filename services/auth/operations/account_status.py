"""Staff disable an account they manage, or enable it again (issue 17, item 11).

Disabling kills every refresh token of the account at once (no new access token), refuses its
logins (after the right password only), and emits ``auth.user_disabled``: every service records it
(``chassis.account_status``) and refuses the account's access tokens within 30 s. Auth records it in
its own ``account_status`` table in the same transaction, so its own checks need no event.
Staff manage the accounts of their portal only (``MANAGED_BY``); anyone else's is a 404.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from chassis.account_status import DISABLED_EVENT, ENABLED_EVENT, record_status
from chassis.errors import Conflict
from chassis.i18n import N_
from chassis.principal import Principal
from services.auth.db.models import User
from services.auth.db.types import utcnow
from services.auth.events import emit
from services.auth.operations import security_events as trail
from services.auth.operations import users
from services.auth.operations.sessions import revoke_other_sessions

NOT_YOURSELF = N_("Vous ne pouvez pas désactiver votre propre compte.")


def set_disabled(session: Session, staff: Principal, user_id: str, disabled: bool, address: str) -> User:
    """Disables (or enables) the account; doing what is already done changes and emits nothing.
    The account's security trail says who did it, from where."""
    user = users.managed_user(session, staff, user_id, for_update=True)
    if user.id == staff.user_id:
        raise Conflict(NOT_YOURSELF)
    if (user.disabled_at is not None) == disabled:
        return user
    now = utcnow()
    user.disabled_at = now if disabled else None
    user.updated_at = now
    if disabled:
        revoke_other_sessions(session, user.id, None, now)
    record_status(session, user.id, disabled, now)
    trail.record_security_event(session, user.id, trail.ACCOUNT_DISABLED if disabled else trail.ACCOUNT_ENABLED,
                                trail.SUCCESS, address, {"by": staff.user_id}, now=now)
    emit(session, DISABLED_EVENT if disabled else ENABLED_EVENT, {"user_id": user.id})
    return user
