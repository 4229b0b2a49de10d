"""Models -> response dictionaries (the schemas in api/schemas.py document and dump them)."""
from __future__ import annotations

from services.productions.db.models import House, HouseAdmin, Producer, Sheet, SheetAccess
from services.productions.domain.access import SheetRelation
from services.productions.domain.admins import extra_admin_count, extra_admins_warning


def admin_dict(admin: HouseAdmin) -> dict:
    user = admin.user
    return {"id": admin.user_id, "first_name": user.first_name, "last_name": user.last_name, "email": user.email,
            "delegate": admin.delegate, "added_by": admin.added_by, "added_at": admin.added_at}


def house_dict(house: House, *, with_warning: bool = False) -> dict:
    flags = [admin.delegate for admin in house.admins]
    body = {"id": house.id, "name": house.name, "status": house.status,
            "admins": [admin_dict(admin) for admin in house.admins],
            "extra_admin_count": extra_admin_count(flags), "created_at": house.created_at}
    if with_warning:
        body["warning"] = extra_admins_warning(flags)
    return body


def producer_dict(producer: Producer) -> dict:
    return {"id": producer.id, "name": producer.name, "email": producer.email, "phone": producer.phone,
            "house_ids": producer.house_ids, "created_at": producer.created_at}


def sheet_dict(sheet: Sheet, relation: SheetRelation) -> dict:
    return {
        "id": sheet.id, "house_id": sheet.house_id,
        "house": {"id": sheet.house.id, "name": sheet.house.name, "status": sheet.house.status},
        "title": sheet.title, "producer_id": sheet.producer_id,
        "producer": {"id": sheet.producer.id, "name": sheet.producer.name} if sheet.producer else None,
        "production_type": sheet.production_type, "shooting_start": sheet.shooting_start,
        "shooting_end": sheet.shooting_end, "location": sheet.location,
        "union_agreements": list(sheet.union_agreements or []), "description": sheet.description,
        "permissions": {"can_manage": relation.can_manage,
                        "can_go_to_set": relation.can_go_to_set and sheet.house.is_active},
        "created_at": sheet.created_at, "updated_at": sheet.updated_at,
    }


def access_dict(access: SheetAccess) -> dict:
    user = access.user
    return {"id": access.user_id, "user_id": access.user_id, "first_name": user.first_name,
            "last_name": user.last_name, "email": user.email, "granted_by": access.granted_by,
            "granted_at": access.granted_at}
