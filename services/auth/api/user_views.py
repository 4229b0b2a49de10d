"""The directory (P4, P6) and staff's view of accounts: ``GET /users``, ``GET/PATCH /users/{id}``."""
from flask_smorest import Blueprint

from chassis.errors import NotFound
from services.auth.accounts import users
from services.auth.accounts.profiles import directory_entry, profile
from services.auth.api.helpers import auth_context, caller, duplicates_as_conflict, require_user
from services.auth.api.schemas import DirectoryPageSchema, ProfileSchema, StaffUserPatchSchema, UserSearchQuerySchema
from services.auth.domain.roles import MANAGED_BY, STAFF_ROLES

blp = Blueprint("users", __name__, description="Annuaire des utilisateurs / User directory")


@blp.route("/users", methods=["GET"])
@require_user()
@blp.arguments(UserSearchQuerySchema, location="query")
@blp.response(200, DirectoryPageSchema)
def search(query):
    """Prefix search on first name, last name and email (case- and accent-insensitive), paginated."""
    with auth_context().db.reading() as session:
        found, total = users.search_users(session, query["q"], query["limit"], query["offset"])
        return {"items": [directory_entry(user) for user in found], "total": total}


@blp.route("/users/<string:user_id>", methods=["GET"])
@require_user(*STAFF_ROLES)
@blp.response(200, ProfileSchema)
def get_user(user_id):
    """Staff: one account's profile."""
    with auth_context().db.reading() as session:
        return profile(users.get_user(session, user_id))


@blp.route("/users/<string:user_id>", methods=["PATCH"])
@require_user(*STAFF_ROLES)
@blp.arguments(StaffUserPatchSchema)
@blp.response(200, ProfileSchema)
@blp.alt_response(409, description="Courriel déjà utilisé")
def patch_user(body, user_id):
    """Staff: change names, email or language of an account they manage (ASSTSAS staff: trainers;
    AQPM staff: members). Other accounts are 404 to them."""
    managed = {MANAGED_BY[role] for role in caller().roles if role in MANAGED_BY}
    ctx = auth_context()
    with duplicates_as_conflict(), ctx.db.transaction() as session:
        user = users.get_user(session, user_id)
        if not managed.intersection(user.roles):
            raise NotFound("Utilisateur introuvable. / User not found.")
        users.update_user(session, user, email=body.get("email"), language=body.get("language"),
                          first_name=body.get("first_name"), last_name=body.get("last_name"))
        return profile(user)
