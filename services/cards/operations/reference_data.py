"""Looking up the reference lists; a retired entry stays valid where it is already used.

The titles, read on every participant write, are cached per database for ``TITLES_TTL_SECONDS``
(a process's own staff changes drop the cache at once; other processes see them within the TTL).
"""
from __future__ import annotations

import threading
import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from chassis.i18n import N_
from services.cards.db.models import Activity, Institution, OrganizationType, Title

KINDS = {"organization_types": OrganizationType, "institutions": Institution, "activities": Activity,
         "titles": Title}
UNKNOWN = N_("Valeur inconnue ou retirée.")


def usable(entry, current_value=None, key: str = "code") -> bool:
    """Active entries may be chosen; a retired one only if the record already had it."""
    return entry is not None and (entry.active or getattr(entry, key) == current_value)


TITLES_TTL_SECONDS = 30.0
_titles_cache: dict[str, tuple[float, tuple[tuple[str, tuple[str, ...], bool], ...]]] = {}
_titles_lock = threading.Lock()


def _database_key(db_session: Session) -> str:
    return db_session.get_bind().url.render_as_string(hide_password=True)


def _all_titles(db_session: Session) -> tuple[tuple[str, tuple[str, ...], bool], ...]:
    """Every title as ``(code, labels, active)`` in display order, from the cache while it is fresh."""
    key = _database_key(db_session)
    with _titles_lock:
        cached = _titles_cache.get(key)
    if cached is not None and time.monotonic() - cached[0] < TITLES_TTL_SECONDS:
        return cached[1]
    rows = db_session.scalars(select(Title).order_by(Title.position)).all()
    titles = tuple((row.code, tuple(label for label in (row.label, row.label_en) if label), row.active)
                   for row in rows)
    with _titles_lock:
        _titles_cache[key] = (time.monotonic(), titles)
    return titles


def forget_cached(kind: str) -> None:
    """After a staff change to a list (called once it is committed): the next lookup reads the database."""
    if kind == "titles":
        with _titles_lock:
            _titles_cache.clear()


def title_lookup(db_session: Session, include_code: str | None = None) -> dict[str, tuple[str, ...]]:
    """Active titles (plus ``include_code``): code -> labels, for matching what people type."""
    return {code: labels for code, labels, active in _all_titles(db_session) if active or code == include_code}


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
