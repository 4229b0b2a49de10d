"""What every view of the service needs: the database, the caller, paging, 404s and 422s."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chassis.db import Database
from chassis.errors import NotFound, ValidationFailed
from chassis.tokens import Principal, current_principal
from services.productions.db.models import House, KnownUser, Sheet
from services.productions.domain.access import MEMBER, STAFF, SheetRelation
from services.productions.lookups import is_house_admin, is_staff, nameable_user, sheet_relation

AQPM_ROLES = (MEMBER, STAFF)

UNKNOWN_USER = ("Aucun utilisateur inscrit ne correspond; la personne doit d'abord s'inscrire. / "
                "No registered user matches; the person must register first.")
UNKNOWN_HOUSE = "Maison de production introuvable. / Production house not found."


def database() -> Database:
    return current_app.extensions["db"]


def caller() -> Principal:
    return current_principal()


def paged(session: Session, statement, limit: int, offset: int) -> tuple[list, int]:
    """One page of ``statement``'s rows and the total count without paging."""
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    items = session.scalars(statement.limit(limit).offset(offset)).unique().all()
    return list(items), int(total or 0)


def house_for(session: Session, house_id: str, principal: Principal) -> House:
    """The house when the caller is staff or one of its administrators; else 404."""
    house = session.get(House, house_id)
    if house is None or not (is_staff(principal) or is_house_admin(session, house.id, principal.user_id)):
        raise NotFound(UNKNOWN_HOUSE)
    return house


def sheet_for(session: Session, sheet_id: str, principal: Principal) -> tuple[Sheet, SheetRelation]:
    """The sheet and what the caller is to it; 404 when the caller may not see it."""
    sheet = session.get(Sheet, sheet_id)
    if sheet is None:
        raise NotFound("Fiche de production introuvable. / Production sheet not found.")
    relation = sheet_relation(session, sheet, principal.user_id, is_staff(principal))
    if not relation.can_see:
        raise NotFound("Fiche de production introuvable. / Production sheet not found.")
    return sheet, relation


def nameable_user_or_422(session: Session, user_id: str, field: str = "user_id") -> KnownUser:
    user = nameable_user(session, user_id)
    if user is None:
        raise ValidationFailed(fields={field: [UNKNOWN_USER]})
    return user
