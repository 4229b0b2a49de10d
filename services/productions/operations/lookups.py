"""Database questions the views and the use cases ask: who administers what, who has access, and the
house, sheet or user a caller names (a 404 or 422 when the caller may not see it)."""
from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from chassis.errors import Forbidden, NotFound, ValidationFailed
from chassis.i18n import N_
from chassis.principal import Principal
from services.productions.db.models import House, HouseAdmin, KnownUser, Sheet, SheetAccess
from services.productions.domain.access import STAFF, SheetRelation

UNKNOWN_USER = N_("Aucun utilisateur inscrit ne correspond; la personne doit d'abord s'inscrire.")
UNKNOWN_HOUSE = N_("Maison de production introuvable.")
UNKNOWN_SHEET = N_("Fiche de production introuvable.")


def is_staff(principal: Principal) -> bool:
    return principal.has_role(STAFF)


def administered_house_ids(session: Session, user_id: str):
    """A subquery of the houses ``user_id`` administers."""
    return select(HouseAdmin.house_id).where(HouseAdmin.user_id == user_id)


def accessible_sheet_ids(session: Session, user_id: str):
    return select(SheetAccess.sheet_id).where(SheetAccess.user_id == user_id)


def is_house_admin(session: Session, house_id: str, user_id: str) -> bool:
    return bool(session.scalar(select(exists().where(HouseAdmin.house_id == house_id,
                                                     HouseAdmin.user_id == user_id))))


def administers_any_house(session: Session, user_id: str) -> bool:
    return bool(session.scalar(select(exists().where(HouseAdmin.user_id == user_id))))


def has_sheet_access(session: Session, sheet_id: str, user_id: str) -> bool:
    return bool(session.scalar(select(exists().where(SheetAccess.sheet_id == sheet_id,
                                                     SheetAccess.user_id == user_id))))


def sheet_relation(session: Session, sheet: Sheet, user_id: str, staff: bool) -> SheetRelation:
    return SheetRelation(is_staff=staff, is_house_admin=is_house_admin(session, sheet.house_id, user_id),
                         has_access=has_sheet_access(session, sheet.id, user_id))


def nameable_user(session: Session, user_id: str) -> KnownUser | None:
    """A registered AQPM user who may be named administrator or given access, else None."""
    user = session.get(KnownUser, user_id)
    return user if user is not None and user.nameable else None


def nameable_user_or_422(session: Session, user_id: str, field: str = "user_id") -> KnownUser:
    user = nameable_user(session, user_id)
    if user is None:
        raise ValidationFailed(fields={field: [UNKNOWN_USER]})
    return user


def may_use_house(session: Session, house: House | None, principal: Principal) -> bool:
    """The house exists and the caller is staff or one of its administrators."""
    return house is not None and (is_staff(principal) or is_house_admin(session, house.id, principal.user_id))


def house_for(session: Session, house_id: str, principal: Principal) -> House:
    """The house when the caller is staff or one of its administrators; else 404."""
    house = session.get(House, house_id)
    if not may_use_house(session, house, principal):
        raise NotFound(UNKNOWN_HOUSE)
    return house


def sheet_for(session: Session, sheet_id: str, principal: Principal) -> tuple[Sheet, SheetRelation]:
    """The sheet and what the caller is to it; 404 when the caller may not see it."""
    sheet = session.get(Sheet, sheet_id)
    if sheet is None:
        raise NotFound(UNKNOWN_SHEET)
    relation = sheet_relation(session, sheet, principal.user_id, is_staff(principal))
    if not relation.can_see:
        raise NotFound(UNKNOWN_SHEET)
    return sheet, relation


def managed_sheet(session: Session, sheet_id: str, principal: Principal, refusal: str) -> tuple[Sheet, SheetRelation]:
    """The sheet when the caller manages it (its house's administrators, staff); 403 ``refusal`` when the
    caller only sees it, 404 when not even that."""
    sheet, relation = sheet_for(session, sheet_id, principal)
    if not relation.can_manage:
        raise Forbidden(refusal)
    return sheet, relation
