"""Participants of a request (C7) and their CSV import (X5)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from chassis.errors import NotFound
from chassis.http.content_type import accepts_multipart
from chassis.i18n import _
from chassis.tokens import current_principal, require_auth
from services.cards.api import schemas
from services.cards.api.access import STAFF, TRAINER, load_session
from services.cards.api.context import database, settings
from services.cards.api.presenters import participant_view
from services.cards.db.models import Participant, participant_count
from services.cards.operations import participants

blp = Blueprint("participants", __name__, description="Participants of a request (C7, X5)")


def _participant(db_session, s, participant_id: str) -> Participant:
    """One participant of the request ``s`` by id (the others are not loaded); else 404."""
    participant = db_session.scalar(select(Participant).where(Participant.id == participant_id,
                                                              Participant.session_id == s.id))
    if participant is None:
        raise NotFound(_("Participant introuvable."))
    return participant


@blp.route("/sessions/<session_id>/participants")
class Participants(MethodView):
    @require_auth(TRAINER, STAFF)
    @blp.arguments(schemas.PageArgs, location="query")
    @blp.response(200, schemas.ParticipantListOut)
    def get(self, args, session_id):
        """Participant list"""
        with database().reading() as db_session:
            s = load_session(db_session, current_principal(), session_id)
            rows = db_session.scalars(select(Participant).where(Participant.session_id == s.id)
                                      .options(selectinload(Participant.attestations))
                                      .order_by(Participant.created_at, Participant.last_name_key, Participant.id)
                                      .limit(args["limit"]).offset(args["offset"])).all()
            return {"items": [participant_view(p) for p in rows], "total": participant_count(s)}

    @require_auth(TRAINER, STAFF)
    @blp.arguments(schemas.ParticipantIn)
    @blp.response(201, schemas.ParticipantOut)
    @blp.alt_response(409, description="Same person already registered")
    def post(self, data, session_id):
        """Add a participant"""
        principal = current_principal()
        with database().transaction() as db_session:
            s = load_session(db_session, principal, session_id, manage=True, for_update=True,
                             with_references=False)
            return participant_view(participants.add_participant(db_session, s, principal.user_id, data,
                                                                 settings().max_participants))


@blp.route("/sessions/<session_id>/participants/<participant_id>")
class ParticipantItem(MethodView):
    @require_auth(TRAINER, STAFF)
    @blp.response(200, schemas.ParticipantOut)
    def get(self, session_id, participant_id):
        """Participant record"""
        with database().reading() as db_session:
            s = load_session(db_session, current_principal(), session_id)
            return participant_view(_participant(db_session, s, participant_id))

    @require_auth(TRAINER, STAFF)
    @blp.arguments(schemas.ParticipantPatch(partial=True))
    @blp.response(200, schemas.ParticipantOut)
    def patch(self, data, session_id, participant_id):
        """Edit the record (while the request is new)"""
        return _act_on(session_id, participant_id, lambda db_session, s, participant, actor: (
            participants.change_participant(db_session, s, participant, actor, data)))

    @require_auth(TRAINER, STAFF)
    @blp.response(204)
    def delete(self, session_id, participant_id):
        """Remove a participant (while the request is new)"""
        _act_on(session_id, participant_id, participants.remove_participant)


@blp.route("/sessions/<session_id>/participants/import", methods=["POST"])
@accepts_multipart
@require_auth(TRAINER, STAFF)
@blp.arguments(schemas.ImportIn, location="files")
@blp.response(201, schemas.ImportOut)
@blp.alt_response(422, description="Nothing added; "
                                   "`error.errors` lists `{line, fields}`")
def import_csv(files, session_id):
    """Import participants from CSV (all or nothing)"""
    principal = current_principal()
    upload = files["file"]
    content = upload.stream.read(participants.MAX_UPLOAD_BYTES + 1)
    with database().transaction() as db_session:
        s = load_session(db_session, principal, session_id, manage=True, for_update=True)
        created = participants.import_participants(db_session, s, principal.user_id, content,
                                                   settings().max_participants)
        return {"created": len(created), "errors": []}


def _act_on(session_id: str, participant_id: str, act) -> dict | None:
    """``act(db_session, request, participant, actor_id)`` in one transaction, the request's row locked;
    the participant after (None once removed)."""
    principal = current_principal()
    with database().transaction() as db_session:
        s = load_session(db_session, principal, session_id, manage=True, for_update=True)
        participant = _participant(db_session, s, participant_id)
        act(db_session, s, participant, principal.user_id)
        return None if participant in db_session.deleted else participant_view(participant)
