"""Request and response schemas of the productions API (marshmallow 4; unknown fields -> 422)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from chassis.i18n import N_, _
from chassis.page_schema import page_query
from chassis.response_schemas import AuditEntryFields, PersonFields
from services.productions.domain.names import tidy
from services.productions.domain.sheets import PRODUCTION_TYPES
from services.productions.operations.audit import ACTIONS

HOUSE_STATUSES = ("active", "inactive")
ID_LENGTH = validate.Length(min=1, max=64)


class Text(fields.String):
    """A string trimmed (inner whitespace collapsed) before it is validated."""

    def _deserialize(self, value, attr, data, **kwargs):
        return tidy(super()._deserialize(value, attr, data, **kwargs))


class LongText(fields.String):
    """A multi-line string: only trimmed at both ends; blank becomes None (and skips validators)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        return text or None

    def _validate(self, value):
        if value is not None:
            super()._validate(value)


def _unique(values: list) -> None:
    if len(set(values)) != len(values):
        raise ValidationError(_("Chaque valeur ne peut paraître qu'une fois."))


# ---- paging and lists ---------------------------------------------------------------------------

PageQuery = page_query("PageQuery")


# ---- users --------------------------------------------------------------------------------------

class UserSearchQuery(Schema):
    q = Text(required=True, validate=validate.Length(min=2, max=100))
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=50))


class UserOut(PersonFields):
    id = fields.String()


# ---- houses -------------------------------------------------------------------------------------

class HouseListQuery(PageQuery):
    q = Text(load_default=None, validate=validate.Length(max=200))
    status = fields.String(load_default=None, validate=validate.OneOf(HOUSE_STATUSES))


class HouseCreate(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    status = fields.String(load_default="active", validate=validate.OneOf(HOUSE_STATUSES))
    delegate_ids = fields.List(fields.String(validate=ID_LENGTH), load_default=list,
                               validate=[validate.Length(max=20), _unique])


class HouseUpdate(Schema):
    name = Text(validate=validate.Length(min=1, max=200))
    status = fields.String(validate=validate.OneOf(HOUSE_STATUSES))

    @validates_schema
    def _not_empty(self, data, **kwargs):
        if not data:
            raise ValidationError(_("Indiquez name ou status."), "_schema")


class AdminAdd(Schema):
    user_id = fields.String(required=True, validate=ID_LENGTH)
    delegate = fields.Boolean(load_default=False,
                              metadata={"description": "AQPM staff only: name the user a delegate of the house."})


class _Ref(Schema):
    """Something named: a house, a producer."""
    id = fields.String()
    name = fields.String()


class _HouseRef(_Ref):
    """A house as a sheet names it."""
    status = fields.String()


class AdminOut(PersonFields):
    id = fields.String()
    delegate = fields.Boolean()
    added_by = fields.String()
    added_at = fields.DateTime()


class HouseOut(_HouseRef):
    admins = fields.List(fields.Nested(AdminOut))
    extra_admin_count = fields.Integer(metadata={"description": "Administrators who are not delegates."})
    created_at = fields.DateTime()


class HouseWithWarning(HouseOut):
    warning = fields.String(allow_none=True, metadata={
        "description": "Set past 4 extra administrators (the guide recommends 3 or 4); the change is made."})


# ---- producers ----------------------------------------------------------------------------------

class ProducerListQuery(PageQuery):
    q = Text(load_default=None, validate=validate.Length(max=200))
    house_id = fields.String(load_default=None, validate=ID_LENGTH)


class ProducerCreate(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    house_ids = fields.List(fields.String(validate=ID_LENGTH), required=True,
                            validate=[validate.Length(min=1, max=20), _unique])
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=320))
    phone = Text(load_default=None, allow_none=True,
                 validate=validate.Regexp(r"^[0-9 +().#x-]{7,40}$",
                                          error=N_("Numéro de téléphone invalide.")))


class ProducerOut(Schema):
    id = fields.String()
    name = fields.String()
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    house_ids = fields.List(fields.String())
    created_at = fields.DateTime()


# ---- sheets -------------------------------------------------------------------------------------

class _SheetFields(Schema):
    producer_id = fields.String(allow_none=True, validate=ID_LENGTH)
    production_type = fields.String(allow_none=True, validate=validate.OneOf(list(PRODUCTION_TYPES)),
                                    metadata={"description": "One of: " + ", ".join(PRODUCTION_TYPES)})
    shooting_start = fields.Date(allow_none=True)
    shooting_end = fields.Date(allow_none=True)
    location = Text(allow_none=True, validate=validate.Length(max=200))
    union_agreements = fields.List(Text(validate=validate.Length(min=1, max=100)),
                                   validate=[validate.Length(max=10), _unique],
                                   metadata={"description": "Union agreements that apply (e.g. AQTIS 514 IATSE, UDA)."})
    description = LongText(allow_none=True, validate=validate.Length(max=5000))


class SheetCreate(_SheetFields):
    house_id = fields.String(required=True, validate=ID_LENGTH)
    title = Text(required=True, validate=validate.Length(min=1, max=200))


class SheetUpdate(_SheetFields):
    title = Text(validate=validate.Length(min=1, max=200))

    @validates_schema
    def _not_empty(self, data, **kwargs):
        if not data:
            raise ValidationError(_("Indiquez au moins un champ à modifier."),
                                  "_schema")


class SheetListQuery(PageQuery):
    house_id = fields.String(load_default=None, validate=ID_LENGTH)
    q = Text(load_default=None, validate=validate.Length(max=200))


class _Permissions(Schema):
    can_manage = fields.Boolean(metadata={"description": "May edit the sheet and manage its access."})
    can_go_to_set = fields.Boolean(metadata={"description": "May use POST /sheets/{id}/set-access."})


class SheetOut(Schema):
    id = fields.String()
    house_id = fields.String()
    house = fields.Nested(_HouseRef)
    title = fields.String()
    producer_id = fields.String(allow_none=True)
    producer = fields.Nested(_Ref, allow_none=True)
    production_type = fields.String(allow_none=True)
    shooting_start = fields.Date(allow_none=True)
    shooting_end = fields.Date(allow_none=True)
    location = fields.String(allow_none=True)
    union_agreements = fields.List(fields.String())
    description = fields.String(allow_none=True)
    permissions = fields.Nested(_Permissions)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


# ---- access and SET -----------------------------------------------------------------------------

class AccessGrant(Schema):
    user_id = fields.String(required=True, validate=ID_LENGTH)


class AccessOut(PersonFields):
    id = fields.String(metadata={"description": "The user's id (same as user_id)."})
    user_id = fields.String()
    granted_by = fields.String()
    granted_at = fields.DateTime()


class SetAccessOut(Schema):
    redirect_url = fields.String(metadata={"description": "The SET address with ?token=<hand-off token>."})
    expires_at = fields.DateTime()


class HandoffVerify(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=8000))


class _HandoffUser(PersonFields):
    id = fields.String()
    name = fields.String()


class _Production(Schema):
    id = fields.String()
    title = fields.String()


class HandoffVerified(Schema):
    jti = fields.String()
    user = fields.Nested(_HandoffUser)
    production = fields.Nested(_Production)
    house = fields.Nested(_Ref)
    expires_at = fields.DateTime()


# ---- audit --------------------------------------------------------------------------------------

class AuditQuery(PageQuery):
    house_id = fields.String(load_default=None, validate=ID_LENGTH,
                             metadata={"description": "Required unless the caller is AQPM staff."})
    sheet_id = fields.String(load_default=None, validate=ID_LENGTH)
    action = fields.String(load_default=None, validate=validate.OneOf(ACTIONS))


class AuditOut(AuditEntryFields):
    actor_name = fields.String(allow_none=True)
    house_id = fields.String(allow_none=True)
    sheet_id = fields.String(allow_none=True)
    subject_user_id = fields.String(allow_none=True)
    subject_name = fields.String(allow_none=True)
    occurred_at = fields.DateTime()
