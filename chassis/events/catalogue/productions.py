"""Events produced by the productions service (also the X4 audit trail's public side)."""
from marshmallow import Schema, fields

from chassis.events.registry import event_schema


class _HouseAdminSchema(Schema):
    house_id = fields.String(required=True)
    house_name = fields.String(required=True)
    user_id = fields.String(required=True)
    actor_id = fields.String(required=True)
    delegate = fields.Boolean(load_default=False)


@event_schema("productions.house_created", 1)
class HouseCreated(Schema):
    house_id = fields.String(required=True)
    name = fields.String(required=True)
    status = fields.String(required=True)
    delegate_ids = fields.List(fields.String(), required=True)
    actor_id = fields.String(required=True)


@event_schema("productions.house_admin_added", 1)
class AdminAdded(_HouseAdminSchema):
    pass


@event_schema("productions.house_admin_removed", 1)
class AdminRemoved(_HouseAdminSchema):
    pass


class _SheetAccessSchema(Schema):
    sheet_id = fields.String(required=True)
    sheet_title = fields.String(required=True)
    house_id = fields.String(required=True)
    user_id = fields.String(required=True)
    actor_id = fields.String(required=True)


@event_schema("productions.access_granted", 1)
class AccessGranted(_SheetAccessSchema):
    pass


@event_schema("productions.access_revoked", 1)
class AccessRevoked(_SheetAccessSchema):
    pass


class _SheetSchema(Schema):
    sheet_id = fields.String(required=True)
    house_id = fields.String(required=True)
    title = fields.String(required=True)
    actor_id = fields.String(required=True)


@event_schema("productions.sheet_created", 1)
class SheetCreated(_SheetSchema):
    pass


@event_schema("productions.sheet_updated", 1)
class SheetUpdated(_SheetSchema):
    changed = fields.List(fields.String(), load_default=list)


@event_schema("productions.set_handoff", 1)
class SetHandoff(Schema):
    """An authorized user went on to SET (P7); the token itself never travels in the event."""
    sheet_id = fields.String(required=True)
    house_id = fields.String(required=True)
    user_id = fields.String(required=True)
    jti = fields.String(required=True)
    expires_at = fields.AwareDateTime(required=True)
