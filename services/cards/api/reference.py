"""Reference lists (organization types, institutions, activities, titles) and their upkeep by staff."""
from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import select

from chassis.errors import Conflict, NotFound, ValidationFailed
from chassis.tokens import current_principal, require_auth
from services.cards.api import schemas
from services.cards.api.access import STAFF, is_staff
from services.cards.api.context import database
from services.cards.db.models import Institution
from services.cards.operations import audit
from services.cards.operations.reference_data import KINDS, forget_cached, listing

blp = Blueprint("reference", __name__, description="Listes de référence / Reference lists (X8)")
REQUIRED = "Champ obligatoire. / Required field."
KIND_NOT_FOUND = "Liste inconnue. / Unknown list."
ENTRY_NOT_FOUND = "Entrée introuvable. / Entry not found."


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
        raise ValidationFailed(fields={name: [f"Champ inconnu pour la liste {kind}. / Unknown field for {kind}."]
                                       for name in sorted(foreign)})


def _find(db_session, kind: str, model, key: str):
    if kind == "institutions":  # integer ids; anything else cannot exist
        entry = db_session.get(model, int(key)) if key.isdigit() and len(key) <= 9 else None
    else:
        entry = db_session.get(model, key)
    if entry is None:
        raise NotFound(ENTRY_NOT_FOUND)
    return entry


def _entry_view(kind: str, entry) -> dict:
    if kind == "institutions":
        return {"id": entry.id, "name": entry.name, "active": entry.active}
    view = {"code": entry.code, "label": entry.label, "label_en": entry.label_en, "active": entry.active}
    if kind == "organization_types":
        view["requires_institution"] = entry.requires_institution
    return view


@blp.route("/reference")
@require_auth()
@blp.arguments(schemas.ReferenceArgs, location="query")
@blp.response(200, schemas.ReferenceOut)
def get_reference(args):
    """Les listes des formulaires / The forms' lists (staff may add `?include_retired=true`)"""
    include_retired = args["include_retired"] and is_staff(current_principal())
    with database().reading() as db_session:
        return listing(db_session, include_retired)


@blp.route("/reference/<kind>", methods=["POST"])
@require_auth(STAFF)
@blp.arguments(schemas.ReferenceEntryIn)
@blp.response(201, schemas.ReferenceEntryOut)
def add_entry(data, kind):
    """Personnel : ajouter une entrée / Staff: add an entry

    ``kind``: organization_types, institutions, activities or titles.
    """
    model = _model(kind)
    _refuse_foreign_fields(kind, data)
    needed = ("name",) if kind == "institutions" else ("code", "label")
    missing = {name: [REQUIRED] for name in needed if not data.get(name)}
    if missing:
        raise ValidationFailed(fields=missing)
    with database().transaction() as db_session:
        if kind == "institutions":
            if db_session.scalar(select(Institution).where(Institution.name == data["name"])) is not None:
                raise Conflict("Cette maison d'enseignement existe déjà. / This institution already exists.")
            entry = Institution(name=data["name"], active=True)
        else:
            if db_session.get(model, data["code"]) is not None:
                raise Conflict("Ce code existe déjà. / This code already exists.")
            entry = model(active=True, position=1000, **data)
        db_session.add(entry)
        db_session.flush()
        view = _entry_view(kind, entry)
        audit.record(db_session, current_principal().user_id, "reference_added", kind=kind, entry=view)
    forget_cached(kind)
    return view


@blp.route("/reference/<kind>/<code>", methods=["PATCH"])
@require_auth(STAFF)
@blp.arguments(schemas.ReferenceEntryPatch)
@blp.response(200, schemas.ReferenceEntryOut)
def change_entry(data, kind, code):
    """Personnel : renommer, retirer (`active:false`) ou rétablir une entrée / Staff: rename, retire or restore"""
    model = _model(kind)
    _refuse_foreign_fields(kind, data)
    with database().transaction() as db_session:
        entry = _find(db_session, kind, model, code)
        if kind == "institutions" and "name" in data and db_session.scalar(
                select(Institution.id).where(Institution.name == data["name"], Institution.id != entry.id)) is not None:
            raise Conflict("Cette maison d'enseignement existe déjà. / This institution already exists.")
        for field, value in data.items():
            setattr(entry, field, value)
        db_session.flush()
        view = _entry_view(kind, entry)
        audit.record(db_session, current_principal().user_id, "reference_changed", kind=kind, entry=view,
                     fields=sorted(data))
    forget_cached(kind)
    return view
