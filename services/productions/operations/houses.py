"""Houses (P4, X8): creating and changing a house, naming and removing its administrators.

Each function runs in the caller's transaction and writes the change, its event and its audit row together.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from chassis.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chassis.i18n import N_, _
from chassis.principal import Principal
from services.productions import events
from services.productions.db.models import House, HouseAdmin
from services.productions.domain.access import can_remove_admin
from services.productions.domain.admins import extra_admin_count
from services.productions.domain.names import comparison_key
from services.productions.operations import audit
from services.productions.operations.lookups import house_for, is_staff, nameable_user_or_422

NAME_TAKEN = N_("Une maison porte déjà ce nom.")


def _name_taken(session: Session, name: str, except_id: str | None = None) -> bool:
    found = session.scalar(select(House.id).where(House.name_key == comparison_key(name)))
    return found is not None and found != except_id


def _flush_name(session: Session) -> None:
    """The unique name index settles a race two callers both won the check of."""
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(NAME_TAKEN, fields={"name": [NAME_TAKEN]}) from None


def _add_admin(session: Session, house: House, user_id: str, actor_id: str, delegate: bool) -> HouseAdmin:
    admin = HouseAdmin(user_id=user_id, delegate=delegate, added_by=actor_id)
    house.admins.append(admin)
    session.flush()
    session.refresh(admin)
    count = extra_admin_count([a.delegate for a in house.admins])
    events.emit(session, events.HOUSE_ADMIN_ADDED, {
        "house_id": house.id, "house_name": house.name, "user_id": user_id, "actor_id": actor_id,
        "delegate": delegate, "extra_admin_count": count})
    audit.record(session, actor_id, "admin_added", house_id=house.id, subject_user_id=user_id,
                 details={"delegate": delegate, "extra_admin_count": count})
    return admin


def create_house(session: Session, principal: Principal, body: dict) -> House:
    """AQPM staff create a house; its delegates (registered users) are its first administrators."""
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
    _flush_name(session)
    events.emit(session, events.HOUSE_CREATED, {
        "house_id": house.id, "name": house.name, "status": house.status,
        "delegate_ids": body["delegate_ids"], "actor_id": principal.user_id})
    audit.record(session, principal.user_id, "house_created", house_id=house.id,
                 details={"name": house.name, "status": house.status, "delegate_ids": body["delegate_ids"]})
    for user_id in body["delegate_ids"]:
        _add_admin(session, house, user_id, principal.user_id, delegate=True)
    return house


def update_house(session: Session, principal: Principal, house_id: str, body: dict) -> House:
    """Administrators may rename their house; only AQPM staff change its status (active / inactive)."""
    house = house_for(session, house_id, principal)
    if "status" in body and body["status"] != house.status and not is_staff(principal):
        raise Forbidden(_("Seul le personnel de l'AQPM change le statut d'une maison."))
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
        _flush_name(session)
        audit.record(session, principal.user_id, "house_updated", house_id=house.id, details=changes)
    return house


def add_admin(session: Session, principal: Principal, house_id: str, user_id: str, delegate: bool
              ) -> tuple[House, bool]:
    """The house, and whether ``user_id`` was named now (False: already an administrator, nothing changed).
    Only staff may name a delegate."""
    house = house_for(session, house_id, principal)
    if delegate and not is_staff(principal):
        raise Forbidden(_("Seul le personnel de l'AQPM nomme les délégués."))
    nameable_user_or_422(session, user_id)
    if any(admin.user_id == user_id for admin in house.admins):
        return house, False
    try:
        _add_admin(session, house, user_id, principal.user_id, delegate=delegate)
    except IntegrityError:
        raise Conflict(_("Cet administrateur vient d'être ajouté.")) from None
    return house, True


def remove_admin(session: Session, principal: Principal, house_id: str, user_id: str) -> House:
    """An administrator removes another one; delegates are removed by AQPM staff only."""
    house = house_for(session, house_id, principal)
    admin = next((a for a in house.admins if a.user_id == user_id), None)
    if admin is None:
        raise NotFound(_("Cet utilisateur n'administre pas cette maison."))
    if not can_remove_admin(actor_is_staff=is_staff(principal), target_is_delegate=admin.delegate):
        raise Forbidden(_("Seul le personnel de l'AQPM retire un délégué."))
    house.admins.remove(admin)
    session.flush()
    events.emit(session, events.HOUSE_ADMIN_REMOVED, {
        "house_id": house.id, "house_name": house.name, "user_id": user_id, "actor_id": principal.user_id,
        "delegate": admin.delegate})
    audit.record(session, principal.user_id, "admin_removed", house_id=house.id, subject_user_id=user_id,
                 details={"delegate": admin.delegate})
    return house
