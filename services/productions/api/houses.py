"""Production houses (P4, X8): staff create them with their delegates; administrators manage admins."""
from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from chassis.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chassis.tokens import require_auth
from services.productions import events
from services.productions.api.common import (AQPM_ROLES, caller, database, house_for, nameable_user_or_422,
                                             paged)
from services.productions.api.presenters import house_dict
from services.productions.api.schemas import (AdminAdd, HouseCreate, HouseListQuery, HouseOut, HouseUpdate,
                                              HouseWithWarning, list_of)
from services.productions.audit import record_audit
from services.productions.db.models import House, HouseAdmin
from services.productions.domain.access import STAFF, can_remove_admin
from services.productions.domain.admins import extra_admin_count
from services.productions.domain.names import comparison_key
from services.productions.lookups import administered_house_ids, is_staff

blp = Blueprint("houses", __name__, description="Maisons de production / Production houses (P4)")

NAME_TAKEN = "Une maison porte déjà ce nom. / A house already has this name."


def _name_taken(session, name: str, except_id: str | None = None) -> bool:
    found = session.scalar(select(House.id).where(House.name_key == comparison_key(name)))
    return found is not None and found != except_id


def _add_admin(session, house: House, user_id: str, actor_id: str, delegate: bool) -> HouseAdmin:
    admin = HouseAdmin(user_id=user_id, delegate=delegate, added_by=actor_id)
    house.admins.append(admin)
    session.flush()
    session.refresh(admin)
    count = extra_admin_count([a.delegate for a in house.admins])
    events.emit(session, events.HOUSE_ADMIN_ADDED, {
        "house_id": house.id, "house_name": house.name, "user_id": user_id, "actor_id": actor_id,
        "delegate": delegate, "extra_admin_count": count})
    record_audit(session, "admin_added", actor_id, house_id=house.id, subject_user_id=user_id,
                 details={"delegate": delegate, "extra_admin_count": count})
    return admin




@blp.route("/houses", methods=["GET"])
@require_auth(*AQPM_ROLES)
@blp.arguments(HouseListQuery, location="query")
@blp.response(200, list_of(HouseOut, "HouseList"))
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
        houses, total = paged(session, statement, query["limit"], query["offset"])
        return {"items": [house_dict(house) for house in houses], "total": total}


@blp.route("/houses", methods=["POST"])
@require_auth(STAFF)
@blp.arguments(HouseCreate)
@blp.response(201, HouseOut)
def create_house(body):
    """AQPM staff create a house; its delegates (registered users) are its first administrators."""
    principal = caller()
    with database().transaction() as session:
        errors = {}
        for index, user_id in enumerate(body["delegate_ids"]):
            try:
                nameable_user_or_422(session, user_id, "delegate_ids")
            except ValidationFailed as error:
                errors.setdefault("delegate_ids", {})[index] = error.fields["delegate_ids"]
        if errors:
            raise ValidationFailed(fields=errors)
        if _name_taken(session, body["name"]):
            raise Conflict(NAME_TAKEN, fields={"name": [NAME_TAKEN]})
        house = House(name=body["name"], name_key=comparison_key(body["name"]), status=body["status"],
                      created_by=principal.user_id)
        session.add(house)
        try:
            session.flush()
        except IntegrityError:
            raise Conflict(NAME_TAKEN, fields={"name": [NAME_TAKEN]}) from None
        events.emit(session, events.HOUSE_CREATED, {
            "house_id": house.id, "name": house.name, "status": house.status,
            "delegate_ids": body["delegate_ids"], "actor_id": principal.user_id})
        record_audit(session, "house_created", principal.user_id, house_id=house.id,
                     details={"name": house.name, "status": house.status, "delegate_ids": body["delegate_ids"]})
        for user_id in body["delegate_ids"]:
            _add_admin(session, house, user_id, principal.user_id, delegate=True)
        return house_dict(house)


@blp.route("/houses/<house_id>", methods=["GET"])
@require_auth(*AQPM_ROLES)
@blp.response(200, HouseOut)
def get_house(house_id):
    principal = caller()
    with database().reading() as session:
        return house_dict(house_for(session, house_id, principal))


@blp.route("/houses/<house_id>", methods=["PATCH"])
@require_auth(*AQPM_ROLES)
@blp.arguments(HouseUpdate)
@blp.response(200, HouseOut)
def update_house(body, house_id):
    """Administrators may rename their house; only AQPM staff change its status (active / inactive)."""
    principal = caller()
    with database().transaction() as session:
        house = house_for(session, house_id, principal)
        if "status" in body and body["status"] != house.status and not is_staff(principal):
            raise Forbidden("Seul le personnel de l'AQPM change le statut d'une maison. / "
                            "Only AQPM staff change a house's status.")
        changes = {}
        if "name" in body and body["name"] != house.name:
            if _name_taken(session, body["name"], except_id=house.id):
                raise Conflict(NAME_TAKEN, fields={"name": [NAME_TAKEN]})
            changes["name"] = {"from": house.name, "to": body["name"]}
            house.name, house.name_key = body["name"], comparison_key(body["name"])
        if "status" in body and body["status"] != house.status:
            changes["status"] = {"from": house.status, "to": body["status"]}
            house.status = body["status"]
        if changes:
            try:
                session.flush()
            except IntegrityError:
                raise Conflict(NAME_TAKEN, fields={"name": [NAME_TAKEN]}) from None
            record_audit(session, "house_updated", principal.user_id, house_id=house.id, details=changes)
        return house_dict(house)


@blp.route("/houses/<house_id>/admins", methods=["POST"])
@require_auth(*AQPM_ROLES)
@blp.arguments(AdminAdd)
@blp.response(201, HouseWithWarning)
@blp.alt_response(200, schema=HouseWithWarning, description="Already an administrator: nothing changed.")
def add_admin(body, house_id):
    """An administrator (or staff) names another registered user administrator of the house.

    Past 4 extra administrators the response carries a ``warning``; the change is still made.
    Only staff may name a delegate (``delegate: true``)."""
    principal = caller()
    with database().transaction() as session:
        house = house_for(session, house_id, principal)
        if body["delegate"] and not is_staff(principal):
            raise Forbidden("Seul le personnel de l'AQPM nomme les délégués. / Only AQPM staff name delegates.")
        nameable_user_or_422(session, body["user_id"])
        if any(admin.user_id == body["user_id"] for admin in house.admins):
            return house_dict(house, with_warning=True), 200
        try:
            _add_admin(session, house, body["user_id"], principal.user_id, delegate=body["delegate"])
        except IntegrityError:
            raise Conflict("Cet administrateur vient d'être ajouté. / This administrator was just added.") from None
        return house_dict(house, with_warning=True)


@blp.route("/houses/<house_id>/admins/<user_id>", methods=["DELETE"])
@require_auth(*AQPM_ROLES)
@blp.response(200, HouseWithWarning)
def remove_admin(house_id, user_id):
    """An administrator removes another one; delegates are removed by AQPM staff only."""
    principal = caller()
    with database().transaction() as session:
        house = house_for(session, house_id, principal)
        admin = next((a for a in house.admins if a.user_id == user_id), None)
        if admin is None:
            raise NotFound("Cet utilisateur n'administre pas cette maison. / This user does not administer this house.")
        if not can_remove_admin(actor_is_staff=is_staff(principal), target_is_delegate=admin.delegate):
            raise Forbidden("Seul le personnel de l'AQPM retire un délégué. / Only AQPM staff remove a delegate.")
        house.admins.remove(admin)
        session.flush()
        events.emit(session, events.HOUSE_ADMIN_REMOVED, {
            "house_id": house.id, "house_name": house.name, "user_id": user_id, "actor_id": principal.user_id,
            "delegate": admin.delegate})
        record_audit(session, "admin_removed", principal.user_id, house_id=house.id, subject_user_id=user_id,
                     details={"delegate": admin.delegate})
        return house_dict(house, with_warning=True)
