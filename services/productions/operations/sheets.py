"""Production sheets (P5): created and changed by their house's administrators (and staff)."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from chassis.errors import Conflict, ValidationFailed
from chassis.i18n import N_
from chassis.principal import Principal
from services.productions import events
from services.productions.db.models import House, ProducerHouse, Sheet
from services.productions.domain.access import SheetRelation
from services.productions.domain.sheets import shooting_dates_errors
from services.productions.operations import audit
from services.productions.operations.lookups import (
    UNKNOWN_HOUSE,
    is_staff,
    managed_sheet,
    may_use_house,
    sheet_relation,
)

OPTIONAL_FIELDS = ("producer_id", "production_type", "shooting_start", "shooting_end", "location",
                   "union_agreements", "description")
INACTIVE_HOUSE = N_("La maison de production est inactive.")
UNKNOWN_PRODUCER = N_("Producteur introuvable pour cette maison.")
EDITORS_ONLY = N_("Seuls les administrateurs de la maison modifient la fiche.")


def _check_dates(start, end) -> None:
    errors = shooting_dates_errors(start, end)
    if errors:
        raise ValidationFailed(fields=errors)


def _check_producer(session: Session, house_id: str, producer_id: str | None) -> None:
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


def create_sheet(session: Session, principal: Principal, body: dict) -> tuple[Sheet, SheetRelation]:
    """An administrator of ``house_id`` (or staff) creates a sheet; the house must be active."""
    house = session.get(House, body["house_id"])
    if not may_use_house(session, house, principal):
        raise ValidationFailed(fields={"house_id": [UNKNOWN_HOUSE]})
    _check_dates(body.get("shooting_start"), body.get("shooting_end"))
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
    audit.record(session, principal.user_id, "sheet_created", house_id=house.id, sheet_id=sheet.id,
                 details={"title": sheet.title})
    return sheet, sheet_relation(session, sheet, principal.user_id, is_staff(principal))


def update_sheet(session: Session, principal: Principal, sheet_id: str, body: dict) -> tuple[Sheet, SheetRelation]:
    """Any field but the house; ``null`` clears an optional field."""
    sheet, relation = managed_sheet(session, sheet_id, principal, EDITORS_ONLY)
    _check_dates(body.get("shooting_start", sheet.shooting_start), body.get("shooting_end", sheet.shooting_end))
    if "producer_id" in body:
        _check_producer(session, sheet.house_id, body["producer_id"])
    changed = sorted(name for name, value in body.items() if getattr(sheet, name) != value)
    for name in changed:
        setattr(sheet, name, body[name])
    if changed:
        sheet.updated_at = datetime.now(UTC)
        session.flush()
        session.refresh(sheet)
        events.emit(session, events.SHEET_UPDATED, {**_event_payload(sheet, principal.user_id), "changed": changed})
        audit.record(session, principal.user_id, "sheet_updated", house_id=sheet.house_id, sheet_id=sheet.id,
                     details={"changed": changed})
    return sheet, relation
