"""Who may see a sheet ("Gérer les accès", P6) and the hand-off to the SET ("Accéder au SET", P7)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from chassis.i18n import _
from services.web.after_post import done
from services.web.clients import productions
from services.web.clients.gateway import ApiError
from services.web.portal_productions.blueprint import AQPM, blp
from services.web.portal_productions.users import picked_user, picker_form
from services.web.web_session import api, login_required


@blp.route("/sheets/<sheet_id>/access", methods=["GET", "POST"])
@login_required(*AQPM)
def access(sheet_id: str):
    data = productions.get_sheet(api(), sheet_id)
    form = picker_form("user_id")
    if request.method == "POST":
        user_id = picked_user()
        if not user_id:
            form.add_error("user_id", _("Choisissez un utilisateur inscrit dans la liste."))
        else:
            try:
                productions.grant_access(api(), sheet_id, user_id)
                return done(_("Accès accordé."), "portal_productions.access", sheet_id=sheet_id)
            except ApiError as error:
                form.take(error)
    granted = productions.list_access(api(), sheet_id)
    return render_template("productions/access.html", sheet=data, granted=granted, form=form,
                           page_title=_("Gérer les accès")), 422 if form.errors else 200


@blp.post("/sheets/<sheet_id>/access/<user_id>/revoke")
@login_required(*AQPM)
def revoke(sheet_id: str, user_id: str):
    productions.revoke_access(api(), sheet_id, user_id)
    return done(_("Accès retiré."), "portal_productions.access", sheet_id=sheet_id)


@blp.post("/sheets/<sheet_id>/set")
@login_required(*AQPM)
def go_to_set(sheet_id: str):
    """"Accéder au SET" (P7): a fresh signed hand-off, then straight on to the SET address."""
    try:
        handoff = productions.set_access(api(), sheet_id)
    except ApiError as error:
        if error.status in (403, 404):
            flash(_("Vous n'êtes pas autorisé à faire des demandes au SET pour cette production."), "error")
            return redirect(url_for("portal_productions.sheets"))
        raise
    return redirect(handoff["redirect_url"], code=303)
