"""Who may go on to SET for a sheet ("Gérer les accès", P6), and going there ("Accéder au SET", P7)."""
from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from chassis.errors import Conflict, Forbidden, NotFound
from chassis.tokens import require_auth
from services.productions import events
from services.productions.api.common import (AQPM_ROLES, caller, database, nameable_user_or_422, paged,
                                             sheet_for)
from services.productions.api.presenters import access_dict
from services.productions.api.schemas import AccessGrant, AccessOut, PageQuery, SetAccessOut, list_of
from services.productions.audit import record_audit
from services.productions.db.models import KnownUser, Sheet, SheetAccess
from services.productions.handoffs import issue
from services.productions.lookups import sheet_relation, is_staff

blp = Blueprint("access", __name__, description="Accès au SET / SET access (P6, P7)")

MANAGERS_ONLY = ("Seuls les administrateurs de la maison gèrent les accès. / "
                 "Only the house's administrators manage access.")


def _managed_sheet(session, sheet_id: str, principal) -> Sheet:
    sheet, relation = sheet_for(session, sheet_id, principal)
    if not relation.can_manage:
        raise Forbidden(MANAGERS_ONLY)
    return sheet


def _access_payload(sheet: Sheet, user_id: str, actor_id: str) -> dict:
    return {"sheet_id": sheet.id, "sheet_title": sheet.title, "house_id": sheet.house_id,
            "house_name": sheet.house.name, "user_id": user_id, "actor_id": actor_id}


@blp.route("/sheets/<sheet_id>/access", methods=["GET"])
@require_auth(*AQPM_ROLES)
@blp.arguments(PageQuery, location="query")
@blp.response(200, list_of(AccessOut, "AccessList"))
def list_access(query, sheet_id):
    """The users authorized on this production (for its house's administrators and staff)."""
    principal = caller()
    with database().reading() as session:
        sheet = _managed_sheet(session, sheet_id, principal)
        statement = (select(SheetAccess).join(KnownUser, KnownUser.id == SheetAccess.user_id)
                     .where(SheetAccess.sheet_id == sheet.id)
                     .order_by(KnownUser.last_name, KnownUser.first_name, SheetAccess.user_id))
        grants, total = paged(session, statement, query["limit"], query["offset"])
        return {"items": [access_dict(grant) for grant in grants], "total": total}


@blp.route("/sheets/<sheet_id>/access", methods=["POST"])
@require_auth(*AQPM_ROLES)
@blp.arguments(AccessGrant)
@blp.response(201, AccessOut)
@blp.alt_response(200, schema=AccessOut, description="Already authorized: the existing grant, nothing changed.")
def grant_access(body, sheet_id):
    """Authorize a registered user on this production; granting twice is one grant (200 the second time)."""
    principal = caller()
    with database().transaction() as session:
        sheet = _managed_sheet(session, sheet_id, principal)
        nameable_user_or_422(session, body["user_id"])
        existing = session.scalar(select(SheetAccess).where(SheetAccess.sheet_id == sheet.id,
                                                            SheetAccess.user_id == body["user_id"]))
        if existing is not None:
            return access_dict(existing), 200
        grant = SheetAccess(sheet_id=sheet.id, user_id=body["user_id"], granted_by=principal.user_id)
        session.add(grant)
        try:
            session.flush()
        except IntegrityError:
            raise Conflict("Cet accès vient d'être accordé. / This access was just granted.") from None
        events.emit(session, events.ACCESS_GRANTED, _access_payload(sheet, body["user_id"], principal.user_id))
        record_audit(session, "access_granted", principal.user_id, house_id=sheet.house_id, sheet_id=sheet.id,
                     subject_user_id=body["user_id"])
        session.refresh(grant)
        return access_dict(grant)


@blp.route("/sheets/<sheet_id>/access/<user_id>", methods=["DELETE"])
@require_auth(*AQPM_ROLES)
@blp.response(204)
def revoke_access(sheet_id, user_id):
    principal = caller()
    with database().transaction() as session:
        sheet = _managed_sheet(session, sheet_id, principal)
        grant = session.scalar(select(SheetAccess).where(SheetAccess.sheet_id == sheet.id,
                                                         SheetAccess.user_id == user_id))
        if grant is None:
            raise NotFound("Cet utilisateur n'a pas accès à cette production. / "
                           "This user has no access to this production.")
        session.delete(grant)
        events.emit(session, events.ACCESS_REVOKED, _access_payload(sheet, user_id, principal.user_id))
        record_audit(session, "access_revoked", principal.user_id, house_id=sheet.house_id, sheet_id=sheet.id,
                     subject_user_id=user_id)
    return None


@blp.route("/sheets/<sheet_id>/set-access", methods=["POST"])
@require_auth(*AQPM_ROLES)
@blp.response(200, SetAccessOut)
@blp.alt_response(403, description="Not authorized on this production (staff included).")
@blp.alt_response(409, description="The production house is inactive.")
def go_to_set(sheet_id):
    """"Accéder au SET": for a user authorized on this production or an administrator of its house.
    Returns the SET address with a signed, single-use token valid 2 minutes. Others get 403."""
    principal = caller()
    with database().transaction() as session:
        sheet = session.get(Sheet, sheet_id)
        if sheet is None:
            raise NotFound("Fiche de production introuvable. / Production sheet not found.")
        relation = sheet_relation(session, sheet, principal.user_id, is_staff(principal))
        if not relation.can_go_to_set:
            raise Forbidden("Vous n'êtes pas autorisé à faire des demandes au SET pour cette production. / "
                            "You are not authorized to make SET requests for this production.")
        if not sheet.house.is_active:
            raise Conflict("La maison de production est inactive. / The production house is inactive.")
        user = session.get(KnownUser, principal.user_id)
        if user is None:
            raise Conflict("Votre profil n'est pas encore synchronisé; réessayez dans un instant. / "
                           "Your profile is not synchronized yet; try again in a moment.")
        extensions = current_app.extensions
        handoff = issue(session, extensions["handoff_keys"], extensions["handoff_settings"], sheet, user)
        return {"redirect_url": handoff.redirect_url, "expires_at": handoff.expires_at}
