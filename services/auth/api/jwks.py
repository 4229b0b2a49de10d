"""The public signing keys: ``GET /.well-known/jwks.json`` (other services verify tokens with them)."""
from flask_smorest import Blueprint

from services.auth.api.context import auth_context
from services.auth.api.schemas import JwksSchema

blp = Blueprint("jwks", __name__, description="Public keys")


@blp.route("/.well-known/jwks.json", methods=["GET"])
@blp.response(200, JwksSchema)
def jwks():
    """The JSON Web Key Set: the current key and, after a rotation, the previous one until its tokens expired."""
    ctx = auth_context()
    ctx.keys.ensure_key()
    return ctx.keys.jwks(), 200, {"Cache-Control": "public, max-age=60"}
