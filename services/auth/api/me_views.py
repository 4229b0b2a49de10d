"""The caller's own profile (C3): ``GET/PATCH /me``, ``POST /me/password``."""
from flask_smorest import Blueprint

from services.auth.accounts import passwords, users
from services.auth.accounts.profiles import profile
from services.auth.api.helpers import auth_context, caller, client_address, duplicates_as_conflict, require_user
from services.auth.api.schemas import PasswordChangeSchema, ProfilePatchSchema, ProfileSchema

blp = Blueprint("me", __name__, description="Mon profil / My profile")


@blp.route("/me", methods=["GET"])
@require_user(allow_pending_password_change=True)
@blp.response(200, ProfileSchema)
def get_me():
    """The caller's profile; ``must_change_password`` says whether this session (opened with a
    temporary password) must change the password before anything else."""
    principal = caller()
    with auth_context().db.reading() as session:
        return {**profile(users.get_user(session, principal.user_id)),
                "must_change_password": bool(principal.claims.get("pwd_change_required"))}


@blp.route("/me", methods=["PATCH"])
@require_user()
@blp.arguments(ProfilePatchSchema)
@blp.response(200, ProfileSchema)
@blp.alt_response(409, description="Courriel déjà utilisé")
def patch_me(body):
    """Change the caller's email and/or language (names are managed by staff)."""
    ctx = auth_context()
    with duplicates_as_conflict(), ctx.db.transaction() as session:
        user = users.get_user(session, caller().user_id)
        users.update_user(session, user, email=body.get("email"), language=body.get("language"))
        return profile(user)


@blp.route("/me/password", methods=["POST"])
@require_user(allow_pending_password_change=True)
@blp.arguments(PasswordChangeSchema)
@blp.response(204)
def change_password(body):
    """Change the password with the old one (or the temporary one); ends the caller's other sessions.
    After a temporary-password login, call ``POST /refresh`` afterwards for an unrestricted token."""
    principal = caller()
    passwords.change_password(auth_context(), principal.user_id, principal.claims.get("sid"), body["old_password"],
                              body["new_password"], client_address())
