"""What every list endpoint of the portal declares: ``GET`` for any AQPM role, its filters in the query
string, and a page of items (``{"items": [...], "total": n}``)."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema

from chassis.page_schema import page_of
from chassis.tokens import require_auth
from services.productions.domain.access import AQPM_ROLES


def aqpm_list(blp: Blueprint, path: str, query: type[Schema], item: type[Schema], list_name: str):
    """The four decorators of a list view, in the service's order (a missing token is a 401 before the query
    string is validated)."""
    def declare(view):
        view = blp.response(200, page_of(item, list_name))(view)
        view = blp.arguments(query, location="query")(view)
        view = require_auth(*AQPM_ROLES)(view)
        return blp.route(path, methods=["GET"])(view)
    return declare
