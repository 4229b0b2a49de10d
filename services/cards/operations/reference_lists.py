"""Staff upkeep of the reference lists (X8): add an entry, rename, retire or restore it, each audited (X4).

A change to the titles drops this process's cache (``reference_data.forget_cached``) once committed: the
caller does it after its transaction.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from chassis.errors import Conflict, NotFound, ValidationFailed
from chassis.i18n import N_, _
from services.cards.db.models import Institution
from services.cards.operations import audit
from services.cards.operations.reference_data import KINDS

REQUIRED = N_("Champ obligatoire.")
KIND_NOT_FOUND = N_("Liste inconnue.")
ENTRY_NOT_FOUND = N_("Entrée introuvable.")
INSTITUTION_EXISTS = N_("Cette maison d'enseignement existe déjà.")


def _model(kind: str):
    if kind not in KINDS:
        raise NotFound(KIND_NOT_FOUND)
    return KINDS[kind]


def _allowed_fields(kind: str) -> set[str]:
    if kind == "institutions":
        return {"name", "active"}
    if kind == "organization_types":
        return {"code", "label", "label_en", "requires_institution", "active"}
    return {"code", "label", "label_en", "active"}


def _refuse_foreign_fields(kind: str, data: dict) -> None:
    foreign = set(data) - _allowed_fields(kind)
    if foreign:
        raise ValidationFailed(fields={name: [_("Champ inconnu pour la liste %(kind)s.", kind=kind)]
                                       for name in sorted(foreign)})


def _find(db_session, kind: str, model, key: str):
    if kind == "institutions":  # integer ids; anything else cannot exist
        entry = db_session.get(model, int(key)) if key.isdigit() and len(key) <= 9 else None
    else:
        entry = db_session.get(model, key)
    if entry is None:
        raise NotFound(ENTRY_NOT_FOUND)
    return entry


def entry_view(kind: str, entry) -> dict:
    if kind == "institutions":
        return {"id": entry.id, "name": entry.name, "active": entry.active}
    view = {"code": entry.code, "label": entry.label, "label_en": entry.label_en, "active": entry.active}
    if kind == "organization_types":
        view["requires_institution"] = entry.requires_institution
    return view


def add_entry(db_session: Session, actor_id: str, kind: str, data: dict) -> dict:
    """The new entry as the API shows it. ``kind``: organization_types, institutions, activities or titles."""
    model = _model(kind)
    _refuse_foreign_fields(kind, data)
    needed = ("name",) if kind == "institutions" else ("code", "label")
    missing = {name: [REQUIRED] for name in needed if not data.get(name)}
    if missing:
        raise ValidationFailed(fields=missing)
    if kind == "institutions":
        if db_session.scalar(select(Institution).where(Institution.name == data["name"])) is not None:
            raise Conflict(INSTITUTION_EXISTS)
        entry = Institution(name=data["name"], active=True)
    else:
        if db_session.get(model, data["code"]) is not None:
            raise Conflict(_("Ce code existe déjà."))
        entry = model(active=True, position=1000, **data)
    db_session.add(entry)
    db_session.flush()
    view = entry_view(kind, entry)
    audit.record(db_session, actor_id, "reference_added", kind=kind, entry=view)
    return view


def change_entry(db_session: Session, actor_id: str, kind: str, key: str, data: dict) -> dict:
    """Renames, retires (``active: false``) or restores the entry ``key``; the entry as the API shows it."""
    model = _model(kind)
    _refuse_foreign_fields(kind, data)
    entry = _find(db_session, kind, model, key)
    if kind == "institutions" and "name" in data and db_session.scalar(
            select(Institution.id).where(Institution.name == data["name"], Institution.id != entry.id)) is not None:
        raise Conflict(INSTITUTION_EXISTS)
    for field, value in data.items():
        setattr(entry, field, value)
    db_session.flush()
    view = entry_view(kind, entry)
    audit.record(db_session, actor_id, "reference_changed", kind=kind, entry=view, fields=sorted(data))
    return view
