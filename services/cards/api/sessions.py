"""Requests for cards (``/sessions``): the guide's "Sessions" tab, its payment tab, and staff actions."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import func, or_, select

from chassis.tokens import current_principal, require_auth
from services.cards.api import schemas
from services.cards.api.access import (
    STAFF,
    TRAINER,
    known_trainer,
    load_session,
    read_session,
    session_rows,
    visible_to,
)
from services.cards.api.context import database, settings
from services.cards.api.presenters import session_view
from services.cards.db.models import CardSession, participant_count
from services.cards.domain.pricing import quote
from services.cards.domain.text import fold
from services.cards.operations import card_requests, lifecycle

blp = Blueprint("sessions", __name__, description="Card requests (C4-C11)")


@blp.route("/sessions")
class Sessions(MethodView):
    @require_auth(TRAINER, STAFF)
    @blp.arguments(schemas.SessionListArgs, location="query")
    @blp.response(200, schemas.SessionListOut)
    def get(self, args):
        """Visible requests (trainer: own and second-trainer ones; staff: all, filterable)"""
        principal = current_principal()
        with database().reading() as db_session:
            query = visible_to(session_rows(), principal)
            if "status" in args:
                query = query.where(CardSession.status == args["status"])
            if "date_from" in args:
                query = query.where(CardSession.end_date >= args["date_from"])
            if "date_to" in args:
                query = query.where(CardSession.end_date <= args["date_to"])
            if "trainer" in args:
                wanted = args["trainer"].lower()
                query = query.where(or_(CardSession.trainer_user_id == args["trainer"],
                                        CardSession.trainer_card_number == wanted,
                                        CardSession.second_card_number == wanted))
            if "organization" in args:
                query = query.where(CardSession.organization_key.contains(fold(args["organization"]),
                                                                          autoescape=True))
            connection = db_session.connection()
            total = connection.scalar(select(func.count()).select_from(
                query.with_only_columns(CardSession.id).subquery()))
            rows = connection.execute(query.order_by(CardSession.created_at.desc(), CardSession.id)
                                      .limit(args["limit"]).offset(args["offset"])).all()
            return {"items": [session_view(row) for row in rows], "total": total}

    @require_auth(TRAINER)
    @blp.arguments(schemas.SessionIn)
    @blp.response(201, schemas.SessionOut)
    @blp.alt_response(409, description="Trainer not known yet")
    def post(self, data):
        """New request (the trainer block comes from the account)"""
        with database().transaction() as db_session:
            trainer = known_trainer(db_session, current_principal())
            return session_view(card_requests.open_request(db_session, trainer, data, settings().end_date_max_age_days))


@blp.route("/sessions/<session_id>")
class SessionItem(MethodView):
    @require_auth(TRAINER, STAFF)
    @blp.response(200, schemas.SessionOut)
    def get(self, session_id):
        """One request"""
        with database().reading() as db_session:
            return session_view(read_session(db_session, current_principal(), session_id))

    @require_auth(TRAINER, STAFF)
    @blp.arguments(schemas.SessionPatch(partial=True))
    @blp.response(200, schemas.SessionOut)
    def patch(self, data, session_id):
        """Edit a request (while new only)"""
        return _act_on(session_id, lambda db_session, s, actor: card_requests.edit_request(
            db_session, s, actor, data, settings().end_date_max_age_days))

    @require_auth(TRAINER, STAFF)
    @blp.response(204)
    def delete(self, session_id):
        """Delete a request (while new only)"""
        _act_on(session_id, card_requests.delete_request)


@blp.route("/sessions/<session_id>/quote")
@require_auth(TRAINER, STAFF)
@blp.response(200, schemas.QuoteOut)
def session_quote(session_id):
    """Amount due: $2.00 a participant; credit card from `card_minimum` (CARDS_CARD_MINIMUM)"""
    with database().reading() as db_session:
        s = load_session(db_session, current_principal(), session_id)
        return quote(participant_count(s), s.unit_price, settings().card_minimum).to_dict()


@blp.route("/sessions/<session_id>/submit", methods=["POST"])
@require_auth(TRAINER, STAFF)
@blp.arguments(schemas.SubmitIn)
@blp.response(202, schemas.SessionOut)
def submit_session(data, session_id):
    """Submit: the request goes to billing (`cards.session_submitted`)"""
    return _act_on(session_id, lambda db_session, s, actor: lifecycle.submit(
        db_session, s, actor, data["payment_method"], data["billed_to"], settings().card_minimum))


@blp.route("/sessions/<session_id>/cancel", methods=["POST"])
@require_auth(TRAINER, STAFF)
@blp.arguments(schemas.CancelIn)
@blp.response(200, schemas.SessionOut)
def cancel_session(data, session_id):
    """Cancel while new, submitted or invoiced"""
    return _act_on(session_id, lambda db_session, s, actor: lifecycle.cancel(db_session, s, actor, data.get("reason")))


@blp.route("/sessions/<session_id>/ship", methods=["POST"])
@require_auth(STAFF)
@blp.response(200, schemas.SessionOut)
def ship_session(session_id):
    """Staff: cards shipped (once paid)"""
    return _act_on(session_id, lifecycle.ship, manage=False)


def _act_on(session_id: str, act, *, manage: bool = True) -> dict | None:
    """``act(db_session, request, actor_id)`` on the request, its row locked, in one transaction; the request after.

    ``manage``: only its first trainer or staff may (staff-only routes say so with ``require_auth``)."""
    principal = current_principal()
    with database().transaction() as db_session:
        s = load_session(db_session, principal, session_id, manage=manage, for_update=True)
        act(db_session, s, principal.user_id)
        return None if s in db_session.deleted else session_view(s)
