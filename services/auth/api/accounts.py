"""Self-registration (P1) and forgot-password (C2, P2): ``POST /register``, ``POST /password/forgot``."""
from flask_smorest import Blueprint

from chassis.i18n import N_, _
from services.auth.api.context import auth_context, client_address, database
from services.auth.api.guards import duplicates_as_conflict
from services.auth.api.presenters import profile
from services.auth.api.schemas import AcceptedSchema, ForgotPasswordSchema, ProfileSchema, RegisterSchema
from services.auth.operations import passwords, users

blp = Blueprint("accounts", __name__,
                description="Registration, forgotten password")

RESET_ACCEPTED = N_("Si un compte correspond, un courriel contenant un mot de passe temporaire vient d'être envoyé.")


@blp.route("/register", methods=["POST"])
@blp.arguments(RegisterSchema)
@blp.response(201, ProfileSchema)
@blp.alt_response(409, description="Email already in use")
def register(body):
    """Create a member account (role ``member``)."""
    account = users.NewAccount(body["email"], body["first_name"], body["last_name"], "member", body["language"])
    with duplicates_as_conflict(), database().transaction() as session:
        user = users.register_member(session, account, body["password"])
        return profile(user)


@blp.route("/password/forgot", methods=["POST"])
@blp.arguments(ForgotPasswordSchema)
@blp.response(202, AcceptedSchema)
def forgot_password(body):
    """Ask for a temporary password by card number (or username) or by email. Always 202, same body."""
    passwords.request_reset(auth_context(), body.get("card_number"), body.get("email"), client_address())
    return {"message": _(RESET_ACCEPTED)}
