"""The user directory and its type-ahead, and the picker forms that choose a registered user (P4, P6)."""
from __future__ import annotations

from flask import jsonify, render_template, request

from chassis.i18n import _
from services.web.clients import productions
from services.web.clients.gateway import ApiError
from services.web.forms import FormState, trimmed
from services.web.portal_productions.blueprint import AQPM, blp
from services.web.web_session import api, login_required


@blp.get("/users")
@login_required(*AQPM)
def users():
    q = (request.args.get("q") or "").strip()[:100]
    found, reserved = {"items": [], "total": 0}, False
    if q:
        try:
            found = productions.users(api(), q, limit=50)
        except ApiError as error:
            if error.status != 403:
                raise
            reserved = True  # the directory is for house administrators and staff: say so, not a 404
    return render_template("productions/users.html", q=q, found=found, reserved=reserved,
                           page_title=_("Utilisateurs"))


@blp.get("/users/suggest")
@login_required(*AQPM)
def suggest_users():
    """JSON for the type-ahead: registered users whose name or email matches ``q`` (2+ characters)."""
    q = (request.args.get("q") or "").strip()[:100]
    if len(q) < 2:
        return jsonify(items=[])
    found = productions.users(api(), q, limit=10)
    return jsonify(items=[{"id": u["id"],
                           "label": f"{u.get('first_name', '')} {u.get('last_name', '')} <{u.get('email', '')}>"}
                          for u in found.get("items", [])])


def picked_user() -> str:
    """The user id chosen in the type-ahead; without JavaScript, the one exact match of what was typed."""
    user_id = (request.form.get("user_id") or "").strip()
    if user_id:
        return user_id
    typed = (request.form.get("user_id_query") or "").strip()
    if len(typed) >= 2:
        items = productions.users(api(), typed, limit=2).get("items", [])
        if len(items) == 1:
            return items[0]["id"]
    return ""


def picker_form(name: str) -> FormState:
    """The form of a type-ahead picker: the typed name kept, refusals of the picked id beside it
    (the picker macro shows ``name``'s errors; ``fields`` says so to the error placement)."""
    return FormState(values=trimmed(request.form, f"{name}_query"), fields=(name,))
