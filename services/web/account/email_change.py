"""The pages the email-change links land on (issue 17, 2), in the person's own portal (ASSTSAS at the
root, AQPM under /aqpm/), open to a logged-out reader: the link's single-use token is the proof.

A link opened only shows a button: it is the button (a POST) that confirms or cancels, so a mail
scanner that fetches every link of an email spends no token.
"""
from __future__ import annotations

from flask import render_template, request, url_for

from chassis.i18n import _
from services.web.account.views import blp
from services.web.clients import auth
from services.web.clients.gateway import ApiError
from services.web.web_session import api, current_login, store

CONFIRM, CANCEL = "confirm", "cancel"
MAX_TOKEN = 200


def _call(action: str, token: str) -> dict:
    return api().post("auth", f"/email-change/{action}", json={"token": token}, auth=False)


def _page(action: str, token: str):
    aqpm = request.path.startswith("/aqpm/")
    state, status, email = "ask", 200, None
    if len(token) > MAX_TOKEN:
        state, status = "invalid", 404
    elif request.method == "POST":
        try:
            email = _call(action, token).get("email")
            state = "done"
            login = current_login()
            if login is not None and action == CONFIRM:
                try:  # the page header and the profile show the new address at once
                    store().update(login, profile=auth.me(api()))
                except ApiError:
                    pass
        except ApiError as error:
            if error.status not in (404, 409, 422):
                raise
            state, status = ("taken" if error.status == 409 else "invalid"), error.status
    titles = {CONFIRM: _("Confirmation de la nouvelle adresse courriel"),
              CANCEL: _("Ce n'était pas moi")}
    return render_template("account/email_change.html", action=action, state=state, email=email,
                           login_url=url_for("portal_productions.login") if aqpm else url_for("account.login"),
                           profile_url=url_for("portal_productions.profile") if aqpm else url_for("account.profile"),
                           page_title=titles[action]), status


@blp.route("/email/confirm/<token>", methods=["GET", "POST"], endpoint="email_confirm")
@blp.route("/aqpm/email/confirm/<token>", methods=["GET", "POST"], endpoint="aqpm_email_confirm")
def email_confirm(token: str):
    return _page(CONFIRM, token)


@blp.route("/email/cancel/<token>", methods=["GET", "POST"], endpoint="email_cancel")
@blp.route("/aqpm/email/cancel/<token>", methods=["GET", "POST"], endpoint="aqpm_email_cancel")
def email_cancel(token: str):
    return _page(CANCEL, token)
