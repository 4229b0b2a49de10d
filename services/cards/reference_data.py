"""Looking up the reference lists; a retired entry stays valid where it is already used."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.cards.db.models import Activity, Institution, OrganizationType, Title

KINDS = {"organization_types": OrganizationType, "institutions": Institution, "activities": Activity,
         "titles": Title}
UNKNOWN = "Valeur inconnue ou retirée. / Unknown or retired value."


def usable(entry, current_value=None, key: str = "code") -> bool:
    """Active entries may be chosen; a retired one only if the record already had it."""
    return entry is not None and (entry.active or getattr(entry, key) == current_value)


def title_lookup(db_session: Session, include_code: str | None = None) -> dict[str, tuple[str, ...]]:
    """Active titles (plus ``include_code``): code -> labels, for matching what people type."""
    rows = db_session.scalars(select(Title).order_by(Title.position)).all()
    return {row.code: tuple(label for label in (row.label, row.label_en) if label)
            for row in rows if row.active or row.code == include_code}


def listing(db_session: Session, include_retired: bool) -> dict:
    def rows(model, order):
        query = select(model).order_by(order)
        if not include_retired:
            query = query.where(model.active.is_(True))
        return db_session.scalars(query).all()

    return {
        "organization_types": [{"code": r.code, "label": r.label, "label_en": r.label_en, "active": r.active,
                                "requires_institution": r.requires_institution}
                               for r in rows(OrganizationType, OrganizationType.position)],
        "institutions": [{"id": r.id, "name": r.name, "active": r.active} for r in rows(Institution, Institution.name)],
        "activities": [{"code": r.code, "label": r.label, "label_en": r.label_en, "active": r.active}
                       for r in rows(Activity, Activity.position)],
        "titles": [{"code": r.code, "label": r.label, "label_en": r.label_en, "active": r.active}
                   for r in rows(Title, Title.position)],
    }
