"""Staff disable or enable an account they manage: ``POST /users/{id}/disable``, ``POST /users/{id}/enable``."""
from flask_smorest import Blueprint

from services.auth.api.context import caller, client_address, database
from services.auth.api.guards import require_user
from services.auth.api.presenters import profile
from services.auth.api.schemas import ProfileSchema
from services.auth.domain.roles import STAFF_ROLES
from services.auth.operations.account_status import set_disabled

blp = Blueprint("account_status", __name__, description="Disabled accounts")


def _set(user_id: str, disabled: bool) -> dict:
    with database().transaction() as session:
        return profile(set_disabled(session, caller(), user_id, disabled, client_address()))


@blp.route("/users/<string:user_id>/disable", methods=["POST"])
@require_user(*STAFF_ROLES)
@blp.response(200, ProfileSchema)
@blp.alt_response(404, description="Not an account this staff member manages")
@blp.alt_response(409, description="One's own account")
def disable(user_id):
    """Staff: disable an account of their portal (ASSTSAS staff: trainers; AQPM staff: members). Its
    sessions end at once, its logins are refused, every service refuses its tokens within a minute."""
    return _set(user_id, True)


@blp.route("/users/<string:user_id>/enable", methods=["POST"])
@require_user(*STAFF_ROLES)
@blp.response(200, ProfileSchema)
@blp.alt_response(404, description="Not an account this staff member manages")
def enable(user_id):
    """Staff: enable a disabled account again (the person logs in anew)."""
    return _set(user_id, False)
