"""``GET /data-exports/<token>``: the ZIP of a data export (Law 25), for the person its link was emailed to."""
from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint

from chassis.http.bearer_auth import require_bearer
from chassis.tokens import current_principal
from services.notifier.api.context import database
from services.notifier.operations.data_exports import take_archive

MAX_TOKEN = 200
blp = Blueprint("data_exports", __name__, url_prefix="/data-exports", description="Data exports (Law 25).")


@blp.route("/<string:token>", methods=["GET"])
@require_bearer()
@blp.alt_response(404, description="Unknown link, or someone else's")
@blp.alt_response(410, description="Already used (code export_used) or expired (code export_expired)")
@blp.doc(responses={"200": {"description": "The ZIP (application/zip)"}})
def download(token: str):
    """The ZIP, once, within 24 h, only to the account the link was emailed to (logged in as it)."""
    with database().transaction() as session:
        name, data = take_archive(session, token[:MAX_TOKEN], current_principal().user_id)
    return Response(data, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
