"""The SET side's endpoints: the public keys (JWKS) and the single-use verification of a hand-off."""
from __future__ import annotations

from datetime import UTC, datetime

from flask_smorest import Blueprint

from services.productions.api.context import database, handoff_keys, handoff_settings
from services.productions.api.schemas import HandoffVerified, HandoffVerify
from services.productions.operations.handoffs import verify_and_use

blp = Blueprint("handoffs", __name__, description="SET hand-off (P7)")


@blp.route("/.well-known/jwks.json", methods=["GET"])
@blp.response(200)
def jwks():
    """Public keys of the hand-off tokens (RS256, audience ``set``); public, cacheable 5 minutes."""
    return handoff_keys().jwks(), 200, {"Cache-Control": "public, max-age=300"}


@blp.route("/set/handoffs/verify", methods=["POST"])
@blp.arguments(HandoffVerify)
@blp.response(200, HandoffVerified)
@blp.alt_response(401, description="invalid_token: bad signature, audience or issuer, or expired.")
@blp.alt_response(409, description="token_already_used: the token was verified before.")
@blp.alt_response(403, description="The user's access to the production was withdrawn since.")
def verify(body):
    """For the SET side: checks a hand-off token and marks it used. 200 with who and which production;
    401 ``invalid_token`` (bad signature, wrong audience, expired after 2 minutes); 409
    ``token_already_used`` (second use); 403 when the access was withdrawn since. No bearer token:
    the hand-off token is the credential."""
    claims = verify_and_use(database(), handoff_keys(), handoff_settings(), body["token"])
    return {"jti": claims["jti"],
            "user": {"id": claims["sub"], "name": claims.get("name"), "first_name": claims.get("given_name"),
                     "last_name": claims.get("family_name"), "email": claims.get("email")},
            "production": claims.get("production"), "house": claims.get("house"),
            "expires_at": datetime.fromtimestamp(claims["exp"], UTC)}
