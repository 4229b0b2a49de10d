"""A person's data export (Law 25) in the web app: asking for it from the profile (both portals), and the
page the emailed link lands on, which hands over the ZIP to its recipient, logged in, once.

The link's page only shows a button: the ZIP is fetched by that button (a POST), so opening the link
(a mail scanner, a preview) spends nothing; the notifier checks the token, the person and the 24 h."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from chassis.i18n import _
from services.web.account.views import blp
from services.web.clients.gateway import ApiError
from services.web.pdf_response import file_response
from services.web.web_session import api, login_required

MAX_TOKEN = 200


def _profile_url() -> str:
    return url_for("portal_productions.profile") if request.path.startswith("/aqpm/") else url_for("account.profile")


@blp.post("/profile/data-export", endpoint="request_data_export")
@blp.post("/aqpm/profile/data-export", endpoint="aqpm_request_data_export")
@login_required()
def request_data_export():
    try:
        api().post("auth", "/me/data-export")
        flash(_("Votre demande est reçue. D'ici une minute, vous recevrez un courriel avec un lien pour "
                "télécharger vos données (valide 24 heures, une seule fois)."), "success")
    except ApiError as error:
        if error.status != 429:
            raise
        flash(error.message, "error")
    return redirect(_profile_url())


@blp.route("/account/data-export/<token>", methods=["GET", "POST"], endpoint="data_export_download")
@blp.route("/aqpm/account/data-export/<token>", methods=["GET", "POST"], endpoint="aqpm_data_export_download")
@login_required()
def download(token: str):
    state, status = "ask", 200
    if len(token) > MAX_TOKEN:
        state, status = "missing", 404
    elif request.method == "POST":
        try:
            upstream = api().get("notifier", f"/data-exports/{token}", raw=True)
            return file_response(upstream, "application/zip", "attachment")
        except ApiError as error:
            if error.status not in (404, 410):
                raise
            state = {"export_used": "used", "export_expired": "expired"}.get(error.code, "missing")
            status = error.status
    return render_template("account/data_export.html", state=state, profile_url=_profile_url(),
                           page_title=_("Exportation de vos données")), status
