"""Back office of ASSTSAS staff (X8, C13, X4): participant search and the audit trail."""
from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from chassis.page_schema import page
from chassis.tokens import current_principal, require_auth
from services.cards.api import schemas
from services.cards.api.access import STAFF
from services.cards.api.context import database
from services.cards.api.presenters import audit_view, participant_found_view
from services.cards.db.models import AuditEntry, Participant
from services.cards.domain.text import fold
from services.cards.operations import access_log

blp = Blueprint("staff", __name__, description="ASSTSAS staff (C13, X4)")


@blp.route("/participants")
@require_auth(STAFF)
@blp.arguments(schemas.ParticipantSearchArgs, location="query")
@blp.response(200, schemas.ParticipantFoundListOut)
def search_participants(args):
    """Find a participant (name without accents or case, birth date); each search goes to the log of staff
    reads (Law 25)"""
    query = select(Participant).where(Participant.last_name_key.startswith(fold(args["last_name"]), autoescape=True))
    if "birth_date" in args:
        query = query.where(Participant.birth_date == args["birth_date"])
    query = (query.options(selectinload(Participant.attestations), selectinload(Participant.session))
             .order_by(Participant.last_name_key, Participant.person_key, Participant.id))
    with database().transaction() as db_session:
        found = page(db_session, query, args["limit"], args["offset"], participant_found_view)
        access_log.participants_searched(db_session, current_principal().user_id, args, found)
        return found


@blp.route("/audit")
@require_auth(STAFF)
@blp.arguments(schemas.AuditArgs, location="query")
@blp.response(200, schemas.AuditListOut)
def audit_trail(args):
    """Audit trail: who did what, when"""
    query = select(AuditEntry)
    if "session_id" in args:
        query = query.where(AuditEntry.session_id == args["session_id"])
    if "actor_id" in args:
        query = query.where(AuditEntry.actor_id == args["actor_id"])
    with database().reading() as db_session:
        return page(db_session, query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()), args["limit"],
                    args["offset"], audit_view)
