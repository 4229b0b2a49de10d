"""The caller's own profile (C3): ``GET/PATCH /me``, ``POST /me/password``.

Changing the email needs the current password and only takes effect once the new address is
confirmed (``operations/email_changes.py``); the links land on ``api/email_changes.py``.
"""
from flask_smorest import Blueprint

from services.auth.api.context import auth_context, caller, client_address, database
from services.auth.api.guards import duplicates_as_conflict, require_user
from services.auth.api.presenters import my_profile
from services.auth.api.schemas import MePatchSchema, MeProfileSchema, PasswordChangeSchema
from services.auth.operations import email_changes, passwords, users

blp = Blueprint("me", __name__, description="My profile")


@blp.route("/me", methods=["GET"])
@require_user(allow_pending_password_change=True)
@blp.response(200, MeProfileSchema)
def get_me():
    """The caller's profile; ``must_change_password`` says whether this session (opened with a
    temporary password) must change the password before anything else; ``pending_email``, an
    address change waiting for its confirmation link."""
    principal = caller()
    with database().reading() as session:
        user = users.get_user(session, principal.user_id)
        return my_profile(session, user, must_change_password=bool(principal.claims.get("pwd_change_required")))


@blp.route("/me", methods=["PATCH"])
@require_user()
@blp.arguments(MePatchSchema)
@blp.response(200, MeProfileSchema)
@blp.alt_response(409, description="Email already in use")
@blp.alt_response(422, description="Missing or wrong `current_password` (counts as a failed login)")
@blp.alt_response(429, description="Too many attempts; Retry-After header")
def patch_me(body):
    """Change the caller's language, and the email with ``current_password``: the email stays the
    login until the link sent to the new address is followed (24 h); the old address is told, with a
    "this was not me" link. The answer's ``pending_email`` is the address waiting for confirmation."""
    ctx, principal = auth_context(), caller()
    new_email = body.get("email")
    with database().reading() as session:
        changing = new_email is not None and email_changes.is_change(users.get_user(session, principal.user_id),
                                                                     new_email)
    if changing:  # first, so that a refused change writes nothing (the language either)
        email_changes.request_change(ctx, principal.user_id, new_email, body.get("current_password"),
                                     client_address())
    with duplicates_as_conflict(), database().transaction() as session:
        user = users.get_user(session, principal.user_id)
        # Same address in other capitals: no new login, so no confirmation needed.
        users.update_user(session, user, email=None if changing else new_email, language=body.get("language"))
        return my_profile(session, user)


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
