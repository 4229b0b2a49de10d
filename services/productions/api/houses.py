"""Production houses (P4, X8): staff create them with their delegates; administrators manage admins."""
from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from chassis.page_schema import page
from chassis.tokens import require_auth
from services.productions.api.adding import aqpm_add
from services.productions.api.context import caller, database
from services.productions.api.listing import aqpm_list
from services.productions.api.presenters import house_dict
from services.productions.api.schemas import (
    AdminAdd,
    HouseCreate,
    HouseListQuery,
    HouseOut,
    HouseUpdate,
    HouseWithWarning,
)
from services.productions.db.models import House
from services.productions.domain.access import AQPM_ROLES, STAFF
from services.productions.domain.names import comparison_key
from services.productions.operations import houses
from services.productions.operations.lookups import administered_house_ids, house_for, is_staff

blp = Blueprint("houses", __name__, description="Production houses (P4)")


@aqpm_list(blp, "/houses", HouseListQuery, HouseOut, "HouseList")
def list_houses(query):
    """Staff see every house; a member sees the houses they administer."""
    principal = caller()
    with database().reading() as session:
        statement = select(House).options(selectinload(House.admins)).order_by(House.name_key)
        if not is_staff(principal):
            statement = statement.where(House.id.in_(administered_house_ids(session, principal.user_id)))
        if query["q"]:
            statement = statement.where(House.name_key.contains(comparison_key(query["q"]), autoescape=True))
        if query["status"]:
            statement = statement.where(House.status == query["status"])
        return page(session, statement, query["limit"], query["offset"], house_dict)


@blp.route("/houses", methods=["POST"])
@require_auth(STAFF)
@blp.arguments(HouseCreate)
@blp.response(201, HouseOut)
def create_house(body):
    """AQPM staff create a house; its delegates (registered users) are its first administrators."""
    with database().transaction() as session:
        return house_dict(houses.create_house(session, caller(), body))


@blp.route("/houses/<house_id>", methods=["GET"])
@require_auth(*AQPM_ROLES)
@blp.response(200, HouseOut)
def get_house(house_id):
    with database().reading() as session:
        return house_dict(house_for(session, house_id, caller()))


@blp.route("/houses/<house_id>", methods=["PATCH"])
@require_auth(*AQPM_ROLES)
@blp.arguments(HouseUpdate)
@blp.response(200, HouseOut)
def update_house(body, house_id):
    """Administrators may rename their house; only AQPM staff change its status (active / inactive)."""
    with database().transaction() as session:
        return house_dict(houses.update_house(session, caller(), house_id, body))


@aqpm_add(blp, "/houses/<house_id>/admins", AdminAdd, HouseWithWarning,
          already="Already an administrator: nothing changed.")
def add_admin(body, house_id):
    """An administrator (or staff) names another registered user administrator of the house.

    Past 4 extra administrators the response carries a ``warning``; the change is still made.
    Only staff may name a delegate (``delegate: true``)."""
    with database().transaction() as session:
        house, added = houses.add_admin(session, caller(), house_id, body["user_id"], body["delegate"])
        return house_dict(house, with_warning=True), added


@blp.route("/houses/<house_id>/admins/<user_id>", methods=["DELETE"])
@require_auth(*AQPM_ROLES)
@blp.response(200, HouseWithWarning)
def remove_admin(house_id, user_id):
    """An administrator removes another one; delegates are removed by AQPM staff only."""
    with database().transaction() as session:
        return house_dict(houses.remove_admin(session, caller(), house_id, user_id), with_warning=True)
