"""A member's account anonymized in auth (``auth.account_anonymized``: dormant, or erasure asked), applied to
what productions holds: their house administrations and sheet access are removed (each with its usual event,
so auth's directory and webhooks learn it, and audit entry), the read model's names and email give way to the
pseudonym, and every audit entry that named them by id names the pseudonym instead (the trail is kept)."""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.productions import events
from services.productions.db.models import AuditEntry, HouseAdmin, KnownUser, Sheet, SheetAccess
from services.productions.domain.names import user_search_key
from services.productions.operations import audit
from services.productions.operations.access import _changed as access_changed

ACTOR = "system:privacy"  # who removes the grants of an anonymized account
EMAIL_DOMAIN = "anonymized.invalid"


def anonymize_user(session: Session, user_id: str, pseudonym: str, reason: str) -> None:
    for admin in session.scalars(select(HouseAdmin).where(HouseAdmin.user_id == user_id)).all():
        house = admin.house
        session.delete(admin)
        events.emit(session, events.HOUSE_ADMIN_REMOVED, {"house_id": house.id, "house_name": house.name,
                                                          "user_id": user_id, "actor_id": ACTOR,
                                                          "delegate": admin.delegate})
        audit.record(session, ACTOR, "admin_removed", house_id=house.id, subject_user_id=user_id,
                     details={"delegate": admin.delegate, "reason": reason})
    for grant in session.scalars(select(SheetAccess).where(SheetAccess.user_id == user_id)).all():
        sheet = session.get(Sheet, grant.sheet_id)
        session.delete(grant)
        access_changed(session, events.ACCESS_REVOKED, "access_revoked", sheet, user_id, ACTOR)
    session.flush()
    user = session.get(KnownUser, user_id, with_for_update=True)
    if user is not None:
        user.email, user.first_name, user.last_name = f"{pseudonym}@{EMAIL_DOMAIN}", "", pseudonym
        user.search_key = user_search_key("", pseudonym, user.email)
        user.nameable, user.roles = False, []
    audit.record(session, ACTOR, "account_anonymized", subject_user_id=user_id, details={"reason": reason})
    session.execute(update(AuditEntry).where(AuditEntry.actor_id == user_id).values(actor_id=pseudonym))
    session.execute(update(AuditEntry).where(AuditEntry.subject_user_id == user_id).values(subject_user_id=pseudonym))
