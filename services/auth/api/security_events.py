"""Staff read the security trail of the people of their own portal (issue 17, item 7):
``GET /users/{id}/security-events``. ASSTSAS staff see ASSTSAS people (trainers, ASSTSAS staff),
AQPM staff see AQPM people (members, AQPM staff); anyone else's trail is a 404 to them."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from chassis.errors import NotFound
from services.auth.accounts import security_events
from services.auth.api.helpers import auth_context, caller, require_user
from services.auth.db.models import User
from services.auth.domain import roles as R

blp = Blueprint("security_events", __name__, description="Journal de sécurité des comptes / Account security trail")

# The people of each portal, by the staff role that looks after them.
PORTAL_PEOPLE = {R.CARDS_STAFF: {R.TRAINER, R.CARDS_STAFF}, R.PRODUCTIONS_STAFF: {R.MEMBER, R.PRODUCTIONS_STAFF}}
NOT_FOUND = "Utilisateur introuvable. / User not found."


class SecurityEventQuerySchema(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))


class SecurityEventSchema(Schema):
    id = fields.Integer()
    user_id = fields.String(allow_none=True)
    kind = fields.String(metadata={"description": "login, login_lockout, email_change_requested, "
                                                  "email_change_confirmed, email_change_cancelled, password_changed, "
                                                  "password_reset_requested, refresh_token_reuse, account_disabled, "
                                                  "account_enabled"})
    outcome = fields.String(metadata={"description": "success, failure, throttled, locked, revoked, conflict"})
    address = fields.String(allow_none=True, metadata={"description": "Adresse du client / Client address"})
    details = fields.Dict()
    occurred_at = fields.AwareDateTime()


class SecurityEventPageSchema(Schema):
    items = fields.List(fields.Nested(SecurityEventSchema))
    total = fields.Integer()


def visible_to(staff_roles, person_roles) -> bool:
    people = set().union(*(PORTAL_PEOPLE.get(role, set()) for role in staff_roles))
    return bool(people.intersection(person_roles or []))


@blp.route("/users/<string:user_id>/security-events", methods=["GET"])
@require_user(*R.STAFF_ROLES)
@blp.arguments(SecurityEventQuerySchema, location="query")
@blp.response(200, SecurityEventPageSchema)
@blp.alt_response(404, description="Inconnu, ou d'un autre portail / Unknown, or of the other portal")
def list_security_events(query, user_id):
    """Staff: the account's security events, newest first (kept one year): logins and their
    failures, throttling and lockouts, email and password changes, resets, refresh-token reuse,
    disabling. Who, what, when, from which client address, with what outcome."""
    with auth_context().db.reading() as session:
        user = session.get(User, user_id)
        if user is None or not visible_to(caller().roles, user.roles):
            raise NotFound(NOT_FOUND)
        rows, total = security_events.list_for_user(session, user_id, query["limit"], query["offset"])
        return {"items": [security_events.as_item(row) for row in rows], "total": total}
