"""Production sheets (P5): created and modified by their house's administrators."""
from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import or_, select

from chassis.paging import paged
from chassis.tokens import require_auth
from services.productions.api.context import caller, database
from services.productions.api.listing import aqpm_list
from services.productions.api.presenters import sheet_dict
from services.productions.api.schemas import SheetCreate, SheetListQuery, SheetOut, SheetUpdate
from services.productions.db.models import Sheet
from services.productions.domain.access import AQPM_ROLES, SheetRelation
from services.productions.operations import sheets
from services.productions.operations.lookups import accessible_sheet_ids, administered_house_ids, is_staff, sheet_for

blp = Blueprint("sheets", __name__, description="Production sheets (P5)")


@aqpm_list(blp, "/sheets", SheetListQuery, SheetOut, "SheetList")
def list_sheets(query):
    """Staff see every sheet; a member sees the sheets of the houses they administer and those they
    have access to."""
    principal = caller()
    staff = is_staff(principal)
    with database().reading() as session:
        statement = select(Sheet).order_by(Sheet.created_at.desc(), Sheet.id)
        if not staff:
            statement = statement.where(or_(Sheet.house_id.in_(administered_house_ids(session, principal.user_id)),
                                            Sheet.id.in_(accessible_sheet_ids(session, principal.user_id))))
        if query["house_id"]:
            statement = statement.where(Sheet.house_id == query["house_id"])
        if query["q"]:
            statement = statement.where(Sheet.title.icontains(query["q"], autoescape=True))
        rows, total = paged(session, statement, query["limit"], query["offset"])
        mine = set(session.scalars(administered_house_ids(session, principal.user_id)))
        granted = set(session.scalars(accessible_sheet_ids(session, principal.user_id)))
        items = [sheet_dict(sheet, SheetRelation(is_staff=staff, is_house_admin=sheet.house_id in mine,
                                                 has_access=sheet.id in granted)) for sheet in rows]
        return {"items": items, "total": total}


@blp.route("/sheets", methods=["POST"])
@require_auth(*AQPM_ROLES)
@blp.arguments(SheetCreate)
@blp.response(201, SheetOut)
def create_sheet(body):
    """An administrator of ``house_id`` (or staff) creates a sheet; the house must be active."""
    with database().transaction() as session:
        return sheet_dict(*sheets.create_sheet(session, caller(), body))


@blp.route("/sheets/<sheet_id>", methods=["GET"])
@require_auth(*AQPM_ROLES)
@blp.response(200, SheetOut)
def get_sheet(sheet_id):
    with database().reading() as session:
        return sheet_dict(*sheet_for(session, sheet_id, caller()))


@blp.route("/sheets/<sheet_id>", methods=["PATCH"])
@require_auth(*AQPM_ROLES)
@blp.arguments(SheetUpdate)
@blp.response(200, SheetOut)
def update_sheet(body, sheet_id):
    """The house's administrators (or staff) change any field but the house; ``null`` clears an
    optional field."""
    with database().transaction() as session:
        return sheet_dict(*sheets.update_sheet(session, caller(), sheet_id, body))
