"""Who may go on to SET for a sheet (P6): granting and revoking, and issuing the hand-off (P7)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from chassis.errors import Conflict, Forbidden, NotFound
from chassis.i18n import N_, _
from chassis.principal import Principal
from services.productions import events
from services.productions.db.models import KnownUser, Sheet, SheetAccess
from services.productions.operations import audit
from services.productions.operations.handoffs import HandoffSettings, IssuedHandoff, issue
from services.productions.operations.lookups import (
    UNKNOWN_SHEET,
    is_staff,
    managed_sheet,
    nameable_user_or_422,
    sheet_relation,
)
from services.productions.operations.signing import HandoffKeys

MANAGERS_ONLY = N_("Seuls les administrateurs de la maison gèrent les accès.")


def _grant_of(session: Session, sheet_id: str, user_id: str) -> SheetAccess | None:
    return session.scalar(select(SheetAccess).where(SheetAccess.sheet_id == sheet_id, SheetAccess.user_id == user_id))


def _changed(session: Session, event_type: str, action: str, sheet: Sheet, user_id: str, actor_id: str) -> None:
    events.emit(session, event_type, {"sheet_id": sheet.id, "sheet_title": sheet.title, "house_id": sheet.house_id,
                                      "house_name": sheet.house.name, "user_id": user_id, "actor_id": actor_id})
    audit.record(session, actor_id, action, house_id=sheet.house_id, sheet_id=sheet.id, subject_user_id=user_id)


def grant_access(session: Session, principal: Principal, sheet_id: str, user_id: str) -> tuple[SheetAccess, bool]:
    """The grant, and whether it is new (granting twice is one grant)."""
    sheet, _relation = managed_sheet(session, sheet_id, principal, MANAGERS_ONLY)
    nameable_user_or_422(session, user_id)
    existing = _grant_of(session, sheet.id, user_id)
    if existing is not None:
        return existing, False
    grant = SheetAccess(sheet_id=sheet.id, user_id=user_id, granted_by=principal.user_id)
    session.add(grant)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(_("Cet accès vient d'être accordé.")) from None
    _changed(session, events.ACCESS_GRANTED, "access_granted", sheet, user_id, principal.user_id)
    session.refresh(grant)
    return grant, True


def revoke_access(session: Session, principal: Principal, sheet_id: str, user_id: str) -> None:
    sheet, _relation = managed_sheet(session, sheet_id, principal, MANAGERS_ONLY)
    grant = _grant_of(session, sheet.id, user_id)
    if grant is None:
        raise NotFound(_("Cet utilisateur n'a pas accès à cette production."))
    session.delete(grant)
    _changed(session, events.ACCESS_REVOKED, "access_revoked", sheet, user_id, principal.user_id)


def go_to_set(session: Session, principal: Principal, sheet_id: str, keys: HandoffKeys,
              settings: HandoffSettings) -> IssuedHandoff:
    """For a user authorized on this production or an administrator of its house (staff included: 403)."""
    sheet = session.get(Sheet, sheet_id)
    if sheet is None:
        raise NotFound(UNKNOWN_SHEET)
    relation = sheet_relation(session, sheet, principal.user_id, is_staff(principal))
    if not relation.can_go_to_set:
        raise Forbidden(_("Vous n'êtes pas autorisé à faire des demandes au SET pour cette production."))
    if not sheet.house.is_active:
        raise Conflict(_("La maison de production est inactive."))
    user = session.get(KnownUser, principal.user_id)
    if user is None:
        raise Conflict(_("Votre profil n'est pas encore synchronisé; réessayez dans un instant."))
    return issue(session, keys, settings, sheet, user)
