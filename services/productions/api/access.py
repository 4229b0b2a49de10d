"""Who may go on to SET for a sheet ("Gérer les accès", P6), and going there ("Accéder au SET", P7)."""
from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import select

from chassis.page_schema import page
from chassis.tokens import require_auth
from services.productions.api.adding import aqpm_add
from services.productions.api.context import caller, database, handoff_keys, handoff_settings
from services.productions.api.listing import aqpm_list
from services.productions.api.presenters import access_dict
from services.productions.api.schemas import AccessGrant, AccessOut, PageQuery, SetAccessOut
from services.productions.db.models import KnownUser, SheetAccess
from services.productions.domain.access import AQPM_ROLES
from services.productions.operations import access
from services.productions.operations.lookups import managed_sheet

blp = Blueprint("access", __name__, description="SET access (P6, P7)")


@aqpm_list(blp, "/sheets/<sheet_id>/access", PageQuery, AccessOut, "AccessList")
def list_access(query, sheet_id):
    """The users authorized on this production (for its house's administrators and staff)."""
    with database().reading() as session:
        sheet, _ = managed_sheet(session, sheet_id, caller(), access.MANAGERS_ONLY)
        statement = (select(SheetAccess).join(KnownUser, KnownUser.id == SheetAccess.user_id)
                     .where(SheetAccess.sheet_id == sheet.id)
                     .order_by(KnownUser.last_name, KnownUser.first_name, SheetAccess.user_id))
        return page(session, statement, query["limit"], query["offset"], access_dict)


@aqpm_add(blp, "/sheets/<sheet_id>/access", AccessGrant, AccessOut,
          already="Already authorized: the existing grant, nothing changed.")
def grant_access(body, sheet_id):
    """Authorize a registered user on this production; granting twice is one grant (200 the second time)."""
    with database().transaction() as session:
        grant, granted = access.grant_access(session, caller(), sheet_id, body["user_id"])
        return access_dict(grant), granted


@blp.route("/sheets/<sheet_id>/access/<user_id>", methods=["DELETE"])
@require_auth(*AQPM_ROLES)
@blp.response(204)
def revoke_access(sheet_id, user_id):
    with database().transaction() as session:
        access.revoke_access(session, caller(), sheet_id, user_id)
    return None


@blp.route("/sheets/<sheet_id>/set-access", methods=["POST"])
@require_auth(*AQPM_ROLES)
@blp.response(200, SetAccessOut)
@blp.alt_response(403, description="Not authorized on this production (staff included).")
@blp.alt_response(409, description="The production house is inactive.")
def go_to_set(sheet_id):
    """"Accéder au SET": for a user authorized on this production or an administrator of its house.
    Returns the SET address with a signed, single-use token valid 2 minutes. Others get 403."""
    with database().transaction() as session:
        handoff = access.go_to_set(session, caller(), sheet_id, handoff_keys(), handoff_settings())
        return {"redirect_url": handoff.redirect_url, "expires_at": handoff.expires_at}
