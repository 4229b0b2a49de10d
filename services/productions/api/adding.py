"""What an endpoint that adds something already there declares: ``POST`` for any AQPM role, its body, and either
201 with what it added or 200 with what was there, nothing changed (so that adding twice is one addition)."""
from __future__ import annotations

import functools

from flask_smorest import Blueprint
from marshmallow import Schema

from chassis.tokens import require_auth
from services.productions.domain.access import AQPM_ROLES


def aqpm_add(blp: Blueprint, path: str, body: type[Schema], out: type[Schema], already: str):
    """The view returns ``(what, added)``; ``already`` documents the 200. The decorators stay in the service's
    order (a missing token is a 401 before the body is validated)."""
    def declare(view):
        @functools.wraps(view)
        def answer(*args, **kwargs):
            what, added = view(*args, **kwargs)
            return what if added else (what, 200)
        answer = blp.alt_response(200, schema=out, description=already)(answer)
        answer = blp.response(201, out)(answer)
        answer = blp.arguments(body)(answer)
        return blp.route(path, methods=["POST"])(require_auth(*AQPM_ROLES)(answer))
    return declare
