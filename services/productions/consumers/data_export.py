"""Productions' part of a data export (Law 25): the person as productions knows them, the houses they
administer, the sheets they created, their access grants to sheets and their SET hand-offs. Trainees
are not known here."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from chassis.privacy_export import Rows, Subject, export_handlers
from services.productions.db.models import Handoff, HouseAdmin, KnownUser, Sheet, SheetAccess


def collect(session: Session, subject: Subject) -> dict[str, Rows]:
    if not subject.is_account:
        return {}
    user_id = subject.user_id
    known = session.get(KnownUser, user_id)
    admin_of = session.scalars(select(HouseAdmin).where(HouseAdmin.user_id == user_id).order_by(HouseAdmin.added_at))
    grants = session.execute(select(SheetAccess, Sheet.title).join(Sheet, Sheet.id == SheetAccess.sheet_id)
                             .where(SheetAccess.user_id == user_id).order_by(SheetAccess.granted_at))
    sheets = session.scalars(select(Sheet).where(Sheet.created_by == user_id).order_by(Sheet.created_at))
    handoffs = session.scalars(select(Handoff).where(Handoff.user_id == user_id).order_by(Handoff.issued_at))
    return {
        "profile": [{"user_id": known.id, "email": known.email, "first_name": known.first_name,
                     "last_name": known.last_name, "roles": known.roles, "language": known.language}] if known else [],
        "houses": [{"house_id": a.house_id, "house_name": a.house.name, "house_status": a.house.status,
                    "delegate": a.delegate, "added_at": a.added_at} for a in admin_of],
        "sheets": [{"id": s.id, "house_name": s.house.name, "title": s.title, "production_type": s.production_type,
                    "shooting_start": s.shooting_start, "shooting_end": s.shooting_end, "location": s.location,
                    "created_at": s.created_at, "updated_at": s.updated_at} for s in sheets],
        "access_grants": [{"sheet_id": g.sheet_id, "sheet_title": title, "granted_at": g.granted_at}
                          for g, title in grants],
        "set_handoffs": [{"sheet_id": h.sheet_id, "issued_at": h.issued_at, "expires_at": h.expires_at,
                          "used_at": h.used_at} for h in handoffs],
    }


HANDLERS = export_handlers("productions", collect)
