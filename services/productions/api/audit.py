"""The audit trail (X4): who added which administrator, who granted or revoked whose access, who
went on to SET, when."""
from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import select

from chassis.errors import ValidationFailed
from chassis.i18n import _
from chassis.paging import paged
from services.productions.api.context import caller, database
from services.productions.api.listing import aqpm_list
from services.productions.api.schemas import AuditOut, AuditQuery
from services.productions.db.models import AuditEntry, KnownUser
from services.productions.operations.lookups import house_for, is_staff

blp = Blueprint("audit", __name__, description="Audit trail (X4)")


def _names(session, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    return {user.id: user.full_name for user in session.scalars(select(KnownUser).where(KnownUser.id.in_(ids)))}


@aqpm_list(blp, "/audit", AuditQuery, AuditOut, "AuditList")
def list_audit(query):
    """Newest first. Staff see everything (``house_id`` optional); a house's administrators see
    their house's trail (``house_id`` required; another house is a 404)."""
    principal = caller()
    with database().reading() as session:
        statement = select(AuditEntry).order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
        if query["house_id"]:
            house_for(session, query["house_id"], principal)
            statement = statement.where(AuditEntry.house_id == query["house_id"])
        elif not is_staff(principal):
            raise ValidationFailed(fields={"house_id": [_("Indiquez la maison.")]})
        if query["sheet_id"]:
            statement = statement.where(AuditEntry.sheet_id == query["sheet_id"])
        if query["action"]:
            statement = statement.where(AuditEntry.action == query["action"])
        entries, total = paged(session, statement, query["limit"], query["offset"])
        names = _names(session, {e.actor_id for e in entries} | {e.subject_user_id for e in entries
                                                                  if e.subject_user_id})
        items = [{"id": e.id, "action": e.action, "actor_id": e.actor_id, "actor_name": names.get(e.actor_id),
                  "house_id": e.house_id, "sheet_id": e.sheet_id, "subject_user_id": e.subject_user_id,
                  "subject_name": names.get(e.subject_user_id), "details": e.details,
                  "occurred_at": e.occurred_at} for e in entries]
        return {"items": items, "total": total}
