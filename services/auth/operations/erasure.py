"""Erasure on request (Law 25): a member, with their password, or AQPM staff on the member's behalf, has the
account anonymized in every service (``operations/anonymization.py``)."""
from __future__ import annotations

from chassis.errors import ValidationFailed
from chassis.i18n import N_
from chassis.principal import Principal
from services.auth.db.models import User
from services.auth.db.types import utcnow
from services.auth.domain.passwords import verify_password
from services.auth.operations import security_events as trail
from services.auth.operations import users
from services.auth.operations.anonymization import REQUEST, anonymize, refuse_unless_erasable
from services.auth.operations.context import AuthContext
from services.auth.operations.sessions import check_not_throttled, record_failed_attempt

WRONG_PASSWORD = N_("Le mot de passe est incorrect.")
KIND = "account_erasure"  # the security trail's kind of a wrong password given to erase


def erase_own_account(ctx: AuthContext, user_id: str, password: str, address: str) -> dict:
    """Checks the password (throttled like a login; a wrong one counts as a failed login), then anonymizes."""
    with ctx.db.reading() as session:
        refuse_unless_erasable(users.get_user(session, user_id))
    subjects = check_not_throttled(ctx, user_id, KIND, address)
    with ctx.db.reading() as session:
        ok = verify_password(session.get(User, user_id).password_hash, password)
    if not ok:
        record_failed_attempt(ctx, subjects, user_id, KIND, address)
        raise ValidationFailed(fields={"password": [WRONG_PASSWORD]})
    with ctx.db.transaction() as session:
        user = session.get(User, user_id, with_for_update=True)
        pseudonym = anonymize(session, user, REQUEST, None, utcnow())
    ctx.throttle.record_success(f"user:{user_id}", address)
    return {"user_id": user_id, "pseudonym": pseudonym}


def erase_member(session, staff: Principal, user_id: str, address: str) -> dict:
    """AQPM staff, for a member who asked them: the member's account (others are 404 or 403)."""
    user = users.managed_user(session, staff, user_id, for_update=True)
    refuse_unless_erasable(user)
    pseudonym = anonymize(session, user, REQUEST, staff.user_id, utcnow())
    trail.record_security_event(session, user.id, KIND, trail.SUCCESS, None, {"by": staff.user_id})
    return {"user_id": user.id, "pseudonym": pseudonym}
