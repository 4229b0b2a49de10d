"""Database questions the views and the hand-off ask: who administers what, who has access."""
from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from chassis.tokens import Principal
from services.productions.db.models import HouseAdmin, KnownUser, Sheet, SheetAccess
from services.productions.domain.access import STAFF, SheetRelation


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
