"""Logging in and out: ``POST /login``, ``POST /refresh``, ``POST /logout``.

Failed logins: unknown account and wrong password give the same 401 body, byte for byte. A locked
account or address gives 429 with ``Retry-After`` and the generic "too many attempts" body, before
the password is even checked; unknown logins are throttled exactly like real ones, so a 429 says
nothing about whether an account exists either.
"""
from flask_smorest import Blueprint

from services.auth.api import presenters
from services.auth.api.context import auth_context, client_address
from services.auth.api.schemas import LoginSchema, RefreshTokenSchema, TokensSchema
from services.auth.operations import sessions

blp = Blueprint("sessions", __name__, description="Log in, refresh, log out")


@blp.route("/login", methods=["POST"])
@blp.arguments(LoginSchema)
@blp.response(200, TokensSchema)
@blp.alt_response(401, description="Invalid login or password (the same body in every case)")
@blp.alt_response(429, description="Too many attempts; Retry-After header")
def login(body):
    """Log in with an email, a trainer username or card number, and a password."""
    issued = sessions.login(auth_context(), body["login"], body["password"], body["remember_me"], client_address())
    return presenters.tokens(issued)


@blp.route("/refresh", methods=["POST"])
@blp.arguments(RefreshTokenSchema)
@blp.response(200, TokensSchema)
@blp.alt_response(401, description="Refresh token unknown, expired, revoked or already used")
def refresh(body):
    """Trade a refresh token for new tokens; the old refresh token stops working (rotation)."""
    return presenters.tokens(sessions.refresh(auth_context(), body["refresh_token"], client_address()))


@blp.route("/logout", methods=["POST"])
@blp.arguments(RefreshTokenSchema)
@blp.response(204)
def logout(body):
    """End the session that this refresh token belongs to."""
    sessions.logout(auth_context(), body["refresh_token"])
