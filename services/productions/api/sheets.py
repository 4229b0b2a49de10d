"""Production sheets (P5): created and modified by their house's administrators."""
from __future__ import annotations

from datetime import datetime, timezone

from flask_smorest import Blueprint
from sqlalchemy import or_, select

from chassis.errors import Conflict, Forbidden, ValidationFailed
from chassis.tokens import require_auth
from services.productions import events
from services.productions.api.common import AQPM_ROLES, UNKNOWN_HOUSE, caller, database, paged, sheet_for
from services.productions.api.presenters import sheet_dict
from services.productions.api.schemas import SheetCreate, SheetListQuery, SheetOut, SheetUpdate, list_of
from services.productions.audit import record_audit
from services.productions.db.models import House, ProducerHouse, Sheet
from services.productions.domain.access import SheetRelation
from services.productions.domain.sheets import shooting_dates_errors
from services.productions.lookups import (accessible_sheet_ids, administered_house_ids, is_house_admin, is_staff,
                                          sheet_relation)

blp = Blueprint("sheets", __name__, description="Fiches de production / Production sheets (P5)")

OPTIONAL_FIELDS = ("producer_id", "production_type", "shooting_start", "shooting_end", "location",
                   "union_agreements", "description")
INACTIVE_HOUSE = ("La maison de production est inactive. / The production house is inactive.")
UNKNOWN_PRODUCER = ("Producteur introuvable pour cette maison. / No such producer for this house.")


def _check_producer(session, house_id: str, producer_id: str | None) -> None:
    if producer_id is None:
        return
    linked = session.scalar(select(ProducerHouse.producer_id).where(ProducerHouse.producer_id == producer_id,
                                                                     ProducerHouse.house_id == house_id))
    if linked is None:
        raise ValidationFailed(fields={"producer_id": [UNKNOWN_PRODUCER]})


def _event_payload(sheet: Sheet, actor_id: str) -> dict:
    return {"sheet_id": sheet.id, "house_id": sheet.house_id, "house_name": sheet.house.name, "title": sheet.title,
            "production_type": sheet.production_type, "shooting_start": sheet.shooting_start,
            "shooting_end": sheet.shooting_end, "actor_id": actor_id}


@blp.route("/sheets", methods=["GET"])
@require_auth(*AQPM_ROLES)
@blp.arguments(SheetListQuery, location="query")
@blp.response(200, list_of(SheetOut, "SheetList"))
def list_sheets(query):
    """Staff see every sheet; a member sees the sheets of the houses they administer and those they
    have access to."""
    principal = caller()
    staff = is_staff(principal)
    with database().reading() as session:
        statement = select(Sheet).order_by(Sheet.created_at.desc(), Sheet.id)
        if not staff:
            statement = statement.where(or_(Sheet.house_id.in_(administered_house_ids(session, principal.user_id)),
                                            Sheet.id.in_(accessible_sheet_ids(session, principal.user_id))))
        if query["house_id"]:
            statement = statement.where(Sheet.house_id == query["house_id"])
        if query["q"]:
            statement = statement.where(Sheet.title.icontains(query["q"], autoescape=True))
        sheets, total = paged(session, statement, query["limit"], query["offset"])
        mine = set(session.scalars(administered_house_ids(session, principal.user_id)))
        granted = set(session.scalars(accessible_sheet_ids(session, principal.user_id)))
        items = [sheet_dict(sheet, SheetRelation(is_staff=staff, is_house_admin=sheet.house_id in mine,
                                                 has_access=sheet.id in granted)) for sheet in sheets]
        return {"items": items, "total": total}


@blp.route("/sheets", methods=["POST"])
@require_auth(*AQPM_ROLES)
@blp.arguments(SheetCreate)
@blp.response(201, SheetOut)
def create_sheet(body):
    """An administrator of ``house_id`` (or staff) creates a sheet; the house must be active."""
    principal = caller()
    with database().transaction() as session:
        house = session.get(House, body["house_id"])
        if house is None or not (is_staff(principal) or is_house_admin(session, house.id, principal.user_id)):
            raise ValidationFailed(fields={"house_id": [UNKNOWN_HOUSE]})
        errors = shooting_dates_errors(body.get("shooting_start"), body.get("shooting_end"))
        if errors:
            raise ValidationFailed(fields=errors)
        _check_producer(session, house.id, body.get("producer_id"))
        if not house.is_active:
            raise Conflict(INACTIVE_HOUSE)
        sheet = Sheet(house_id=house.id, title=body["title"], created_by=principal.user_id,
                      union_agreements=body.get("union_agreements") or [],
                      **{name: body.get(name) for name in OPTIONAL_FIELDS if name != "union_agreements"})
        session.add(sheet)
        session.flush()
        session.refresh(sheet)
        events.emit(session, events.SHEET_CREATED, _event_payload(sheet, principal.user_id))
        record_audit(session, "sheet_created", principal.user_id, house_id=house.id, sheet_id=sheet.id,
                     details={"title": sheet.title})
        return sheet_dict(sheet, sheet_relation(session, sheet, principal.user_id, is_staff(principal)))


@blp.route("/sheets/<sheet_id>", methods=["GET"])
@require_auth(*AQPM_ROLES)
@blp.response(200, SheetOut)
def get_sheet(sheet_id):
    principal = caller()
    with database().reading() as session:
        sheet, relation = sheet_for(session, sheet_id, principal)
        return sheet_dict(sheet, relation)


@blp.route("/sheets/<sheet_id>", methods=["PATCH"])
@require_auth(*AQPM_ROLES)
@blp.arguments(SheetUpdate)
@blp.response(200, SheetOut)
def update_sheet(body, sheet_id):
    """The house's administrators (or staff) change any field but the house; ``null`` clears an
    optional field."""
    principal = caller()
    with database().transaction() as session:
        sheet, relation = sheet_for(session, sheet_id, principal)
        if not relation.can_manage:
            raise Forbidden("Seuls les administrateurs de la maison modifient la fiche. / "
                            "Only the house's administrators edit the sheet.")
        start = body.get("shooting_start", sheet.shooting_start)
        end = body.get("shooting_end", sheet.shooting_end)
        errors = shooting_dates_errors(start, end)
        if errors:
            raise ValidationFailed(fields=errors)
        if "producer_id" in body:
            _check_producer(session, sheet.house_id, body["producer_id"])
        changed = sorted(name for name, value in body.items() if getattr(sheet, name) != value)
        for name in changed:
            setattr(sheet, name, body[name])
        if changed:
            sheet.updated_at = datetime.now(timezone.utc)
            session.flush()
            session.refresh(sheet)
            events.emit(session, events.SHEET_UPDATED, {**_event_payload(sheet, principal.user_id),
                                                         "changed": changed})
            record_audit(session, "sheet_updated", principal.user_id, house_id=sheet.house_id, sheet_id=sheet.id,
                         details={"changed": changed})
        return sheet_dict(sheet, relation)
