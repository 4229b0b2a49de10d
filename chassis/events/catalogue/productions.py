"""Events produced by the productions service (also the X4 audit trail's public side).

Ids are strings (UUIDs for houses and sheets, auth's user ids for people). ``actor_id`` is the user
whose request caused the event. The notifier emails the person named by ``user_id`` in
``house_admin_added`` and ``access_granted``, looking them up in its own read model of auth's events.
"""
from marshmallow import Schema, fields, validate

from chassis.events.registry import event_schema

HOUSE_STATUSES = ["active", "inactive"]


def _text(description: str, **kwargs):
    return fields.String(metadata={"description": description}, **kwargs)


class _HouseAdminSchema(Schema):
    house_id = _text("The production house.", required=True)
    house_name = _text("The house's name, for the email.", required=True)
    user_id = _text("The administrator added or removed.", required=True)
    actor_id = _text("Who added or removed them (AQPM staff or another administrator).", required=True)
    delegate = fields.Boolean(load_default=False,
                              metadata={"description": "True for a delegate of the house (administrator by default)."})


@event_schema("productions.house_created", 1)
class HouseCreated(Schema):
    """AQPM staff created a production house with its delegates (P4, X8).

    Each delegate also gets its own `productions.house_admin_added` (`delegate: true`)."""
    house_id = _text("The new house.", required=True)
    name = _text("Its name.", required=True)
    status = _text("`active` or `inactive`.", required=True, validate=validate.OneOf(HOUSE_STATUSES))
    delegate_ids = fields.List(fields.String(), required=True,
                               metadata={"description": "User ids of the delegates (its first administrators)."})
    actor_id = _text("The staff member who created it.", required=True)


@event_schema("productions.house_admin_added", 1)
class AdminAdded(_HouseAdminSchema):
    """Someone became an administrator ("utilisateur principal") of a house (P4): email them."""
    extra_admin_count = fields.Integer(load_default=None, allow_none=True, metadata={
        "description": "Administrators of the house who are not delegates, after this change."})


@event_schema("productions.house_admin_removed", 1)
class AdminRemoved(_HouseAdminSchema):
    """Someone stopped being an administrator of a house (P4)."""


class _SheetAccessSchema(Schema):
    sheet_id = _text("The production sheet.", required=True)
    sheet_title = _text("The production's title, for the email.", required=True)
    house_id = _text("The house the sheet belongs to.", required=True)
    house_name = _text("The house's name, for the email.", load_default=None, allow_none=True)
    user_id = _text("The person authorized or no longer authorized.", required=True)
    actor_id = _text("The administrator (or staff member) who did it.", required=True)


@event_schema("productions.access_granted", 1)
class AccessGranted(_SheetAccessSchema):
    """A registered user may now go on to SET for this production (P6): email them. Granting twice
    is one grant and one event."""


@event_schema("productions.access_revoked", 1)
class AccessRevoked(_SheetAccessSchema):
    """A user may no longer go on to SET for this production (P6)."""


class _SheetSchema(Schema):
    sheet_id = _text("The production sheet.", required=True)
    house_id = _text("Its house.", required=True)
    house_name = _text("The house's name.", load_default=None, allow_none=True)
    title = _text("The production's title.", required=True)
    production_type = _text("feature_film, series, commercial, documentary, music_video, ... or null.",
                            load_default=None, allow_none=True)
    shooting_start = fields.Date(load_default=None, allow_none=True, metadata={"description": "First day of shooting."})
    shooting_end = fields.Date(load_default=None, allow_none=True, metadata={"description": "Last day of shooting."})
    actor_id = _text("The administrator (or staff member) who did it.", required=True)


@event_schema("productions.sheet_created", 1)
class SheetCreated(_SheetSchema):
    """An administrator of a house created a production sheet (P5)."""


@event_schema("productions.sheet_updated", 1)
class SheetUpdated(_SheetSchema):
    """A production sheet changed (P5); ``changed`` lists the fields that did."""
    changed = fields.List(fields.String(), load_default=list,
                          metadata={"description": "Names of the fields whose value changed."})


@event_schema("productions.set_handoff", 1)
class SetHandoff(Schema):
    """An authorized user went on to SET (P7); the token itself never travels in the event."""
    sheet_id = _text("The production sheet.", required=True)
    sheet_title = _text("The production's title.", load_default=None, allow_none=True)
    house_id = _text("Its house.", required=True)
    house_name = _text("The house's name.", load_default=None, allow_none=True)
    user_id = _text("Who went on to SET.", required=True)
    jti = _text("The hand-off token's id (single use).", required=True)
    expires_at = fields.AwareDateTime(required=True, metadata={"description": "When the token stops being accepted."})
