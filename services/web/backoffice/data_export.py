"""ASSTSAS staff export what the platform holds on a trainee (Law 25), from the participant search: the cards
service asks every service for its part, and the staff member gets the ZIP's link by email."""
from __future__ import annotations

from flask import flash, redirect, request, url_for

from chassis.i18n import _
from services.web.backoffice.views import blp
from services.web.clients.gateway import ApiError
from services.web.forms import trimmed
from services.web.web_session import CARDS_STAFF, api, login_required


@blp.post("/participants/<participant_id>/data-export")
@login_required(CARDS_STAFF)
def participant_data_export(participant_id: str):
    search = {k: v for k, v in trimmed(request.form, "last_name", "birth_date").items() if v}
    try:
        api().post("cards", f"/participants/{participant_id[:36]}/data-export")
        flash(_("L'exportation est demandée. D'ici une minute, vous recevrez un courriel avec un lien pour "
                "télécharger les données de ce participant (valide 24 heures, une seule fois)."), "success")
    except ApiError as error:
        flash(error.message, "error")
    return redirect(url_for("backoffice.participants", **search))
