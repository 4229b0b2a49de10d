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


@event_schema("productions.admin_added", 1)
class AdminAdded(_HouseAdminSchema):
    pass


@event_schema("productions.admin_removed", 1)
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


@event_schema("productions.set_handoff_issued", 1)
class SetHandoffIssued(Schema):
    sheet_id = fields.String(required=True)
    house_id = fields.String(required=True)
    user_id = fields.String(required=True)
    expires_at = fields.AwareDateTime(required=True)
