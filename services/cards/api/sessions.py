"""Requests for cards (``/sessions``): the guide's "Sessions" tab, its payment tab, and staff actions."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import func, or_, select

from chassis.errors import Conflict
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
from services.cards.domain import statuses
from services.cards.domain.pricing import UNIT_PRICE, quote
from services.cards.domain.text import fold
from services.cards.operations import audit, lifecycle
from services.cards.operations.session_form import apply_session_form

blp = Blueprint("sessions", __name__, description="Demandes de cartes / Card requests (C4-C11)")

UNKNOWN_TRAINER = ("Votre compte de formateur n'est pas encore connu du service des cartes ; réessayez dans "
                   "quelques instants ou contactez le support. / Your trainer account is not known to the cards "
                   "service yet; try again shortly or contact support.")


@blp.route("/sessions")
class Sessions(MethodView):
    @require_auth(TRAINER, STAFF)
    @blp.arguments(schemas.SessionListArgs, location="query")
    @blp.response(200, schemas.SessionListOut)
    def get(self, args):
        """Les demandes visibles / Visible requests (trainer: own and second-trainer ones; staff: all, filterable)"""
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
    @blp.alt_response(409, description="Le compte du formateur n'est pas encore connu / trainer not known yet")
    def post(self, data):
        """Nouvelle demande / New request (the trainer block comes from the account)"""
        principal = current_principal()
        with database().transaction() as db_session:
            trainer = known_trainer(db_session, principal)
            if trainer is None or not trainer.card_number:
                raise Conflict(UNKNOWN_TRAINER, code="trainer_unknown")
            now = datetime.now(UTC)
            s = CardSession(id=str(uuid.uuid4()), status=statuses.NEW, trainer_user_id=trainer.user_id,
                            trainer_card_number=trainer.card_number, trainer_first_name=trainer.first_name,
                            trainer_last_name=trainer.last_name, trainer_email=trainer.email,
                            language=trainer.language or "fr", unit_price=UNIT_PRICE, created_at=now, updated_at=now,
                            participants=[])
            with db_session.no_autoflush:
                apply_session_form(db_session, s, data, max_age_days=settings().end_date_max_age_days)
            db_session.add(s)
            audit.record(db_session, principal.user_id, "created", session_id=s.id)
            db_session.flush()
            return session_view(s)


@blp.route("/sessions/<session_id>")
class SessionItem(MethodView):
    @require_auth(TRAINER, STAFF)
    @blp.response(200, schemas.SessionOut)
    def get(self, session_id):
        """Une demande / One request"""
        with database().reading() as db_session:
            return session_view(read_session(db_session, current_principal(), session_id))

    @require_auth(TRAINER, STAFF)
    @blp.arguments(schemas.SessionPatch(partial=True))
    @blp.response(200, schemas.SessionOut)
    def patch(self, data, session_id):
        """Modifier une demande (statut « Nouvelle » seulement) / Edit a request (while new only)"""
        principal = current_principal()
        with database().transaction() as db_session:
            s = load_session(db_session, principal, session_id, manage=True, for_update=True)
            lifecycle.ensure_editable(s)
            with db_session.no_autoflush:
                apply_session_form(db_session, s, data, max_age_days=settings().end_date_max_age_days)
            s.updated_at = datetime.now(UTC)
            audit.record(db_session, principal.user_id, "updated", session_id=s.id, fields=sorted(data))
            db_session.flush()
            return session_view(s)

    @require_auth(TRAINER, STAFF)
    @blp.response(204)
    def delete(self, session_id):
        """Supprimer une demande (statut « Nouvelle » seulement) / Delete a request (while new only)"""
        principal = current_principal()
        with database().transaction() as db_session:
            s = load_session(db_session, principal, session_id, manage=True, for_update=True)
            lifecycle.ensure_editable(s)
            audit.record(db_session, principal.user_id, "deleted", session_id=s.id,
                         participant_count=len(s.participants))
            db_session.delete(s)


@blp.route("/sessions/<session_id>/quote")
@require_auth(TRAINER, STAFF)
@blp.response(200, schemas.QuoteOut)
def session_quote(session_id):
    """Montant à payer / Amount due: $2.00 a participant; credit card from `card_minimum` (CARDS_CARD_MINIMUM)"""
    with database().reading() as db_session:
        s = load_session(db_session, current_principal(), session_id)
        return quote(participant_count(s), s.unit_price, settings().card_minimum).to_dict()


@blp.route("/sessions/<session_id>/submit", methods=["POST"])
@require_auth(TRAINER, STAFF)
@blp.arguments(schemas.SubmitIn)
@blp.response(202, schemas.SessionOut)
def submit_session(data, session_id):
    """Soumettre / Submit: the request goes to billing (`cards.session_submitted`)"""
    principal = current_principal()
    with database().transaction() as db_session:
        s = load_session(db_session, principal, session_id, manage=True, for_update=True)
        lifecycle.submit(db_session, s, principal.user_id, data["payment_method"], data["billed_to"],
                         settings().card_minimum)
        return session_view(s)


@blp.route("/sessions/<session_id>/cancel", methods=["POST"])
@require_auth(TRAINER, STAFF)
@blp.arguments(schemas.CancelIn)
@blp.response(200, schemas.SessionOut)
def cancel_session(data, session_id):
    """Annuler (nouvelle, soumise ou facturée) / Cancel while new, submitted or invoiced"""
    principal = current_principal()
    with database().transaction() as db_session:
        s = load_session(db_session, principal, session_id, manage=True, for_update=True)
        lifecycle.cancel(db_session, s, principal.user_id, data.get("reason"))
        return session_view(s)


@blp.route("/sessions/<session_id>/ship", methods=["POST"])
@require_auth(STAFF)
@blp.response(200, schemas.SessionOut)
def ship_session(session_id):
    """Personnel : cartes expédiées (une fois payée) / Staff: cards shipped (once paid)"""
    principal = current_principal()
    with database().transaction() as db_session:
        s = load_session(db_session, principal, session_id, for_update=True)
        lifecycle.ship(db_session, s, principal.user_id)
        return session_view(s)


