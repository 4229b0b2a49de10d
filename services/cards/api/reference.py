"""Reference lists (organization types, institutions, activities, titles) and their upkeep by staff."""
from __future__ import annotations

from flask_smorest import Blueprint

from chassis.tokens import current_principal, require_auth
from services.cards.api import schemas
from services.cards.api.access import STAFF, is_staff
from services.cards.api.context import database
from services.cards.operations import reference_lists
from services.cards.operations.reference_data import forget_cached, listing

blp = Blueprint("reference", __name__, description="Reference lists (X8)")


@blp.route("/reference")
@require_auth()
@blp.arguments(schemas.ReferenceArgs, location="query")
@blp.response(200, schemas.ReferenceOut)
def get_reference(args):
    """The forms' lists (staff may add `?include_retired=true`)"""
    include_retired = args["include_retired"] and is_staff(current_principal())
    with database().reading() as db_session:
        return listing(db_session, include_retired)


@blp.route("/reference/<kind>", methods=["POST"])
@require_auth(STAFF)
@blp.arguments(schemas.ReferenceEntryIn)
@blp.response(201, schemas.ReferenceEntryOut)
def add_entry(data, kind):
    """Staff: add an entry

    ``kind``: organization_types, institutions, activities or titles.
    """
    with database().transaction() as db_session:
        view = reference_lists.add_entry(db_session, current_principal().user_id, kind, data)
    forget_cached(kind)
    return view


@blp.route("/reference/<kind>/<code>", methods=["PATCH"])
@require_auth(STAFF)
@blp.arguments(schemas.ReferenceEntryPatch)
@blp.response(200, schemas.ReferenceEntryOut)
def change_entry(data, kind, code):
    """Staff: rename, retire or restore"""
    with database().transaction() as db_session:
        view = reference_lists.change_entry(db_session, current_principal().user_id, kind, code, data)
    forget_cached(kind)
    return view
