"""A stand-in for the external SET site (P7): ``/set-demo?token=...`` shows the hand-off it received.

The real SET is run by another organization; this page plays its part on the embedded platform so the
"Accéder au SET" flow can be tried end to end. It verifies the token once with the productions
service (as SET would) and shows who arrives for which production.
"""
from __future__ import annotations

from flask import Blueprint, render_template, request

from chassis.i18n import _
from services.web.clients import productions
from services.web.clients.gateway import ApiError
from services.web.web_session import api

blp = Blueprint("set_demo", __name__)


@blp.get("/set-demo")
def landing():
    token = (request.args.get("token") or "").strip()[:8000]
    verified, problem = None, ""
    if token:
        try:
            verified = productions.verify_handoff(api(), token)
        except ApiError as error:
            problem = error.message or error.code
    # the page shows the verified claims (who, which production, until when), never the raw token
    return render_template("set_demo.html", token=bool(token), verified=verified, problem=problem,
                           page_title=_("SET (démonstration)"))
