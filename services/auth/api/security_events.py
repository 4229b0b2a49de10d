"""Staff read the security trail of the people of their own portal (issue 17, item 7):
``GET /users/{id}/security-events``. ASSTSAS staff see ASSTSAS people (trainers, ASSTSAS staff),
AQPM staff see AQPM people (members, AQPM staff); anyone else's trail is a 404 to them."""
from flask_smorest import Blueprint

from services.auth.api.context import caller, database
from services.auth.api.guards import require_user
from services.auth.api.presenters import security_event
from services.auth.api.schemas import SecurityEventPageSchema, SecurityEventQuerySchema
from services.auth.domain.roles import STAFF_ROLES
from services.auth.operations import users
from services.auth.operations.security_events import list_for_user

blp = Blueprint("security_events", __name__, description="Account security trail")


@blp.route("/users/<string:user_id>/security-events", methods=["GET"])
@require_user(*STAFF_ROLES)
@blp.arguments(SecurityEventQuerySchema, location="query")
@blp.response(200, SecurityEventPageSchema)
@blp.alt_response(404, description="Unknown, or of the other portal")
def list_security_events(query, user_id):
    """Staff: the account's security events, newest first (kept one year): logins and their
    failures, throttling and lockouts, email and password changes, resets, refresh-token reuse,
    disabling. Who, what, when, from which client address, with what outcome."""
    with database().reading() as session:
        users.visible_user(session, caller(), user_id)
        rows, total = list_for_user(session, user_id, query["limit"], query["offset"])
        return {"items": [security_event(row) for row in rows], "total": total}
