"""Staff pages of Law 25 (issue 23, items 3-5): each portal's retention preview (what the next run anonymizes,
before it does), the log of staff reads (the persons in charge of personal information only: auth says who;
anyone else gets the 404 of someone else's page), and AQPM staff erasing a member's account on request."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from chassis.i18n import N_, _
from services.web.backoffice.views import blp
from services.web.clients import privacy
from services.web.web_session import CARDS_STAFF, PRODUCTIONS_STAFF, api, login_required

# What each ``what`` of the log of staff reads means to the person in charge.
READS = {"participant_search": N_("Recherche de participants"), "account": N_("Fiche d'un compte"),
         "export": N_("Exportation de données")}
ACTIONS = {"warn": N_("Avertir par courriel"), "anonymize": N_("Anonymiser")}
PAGE = 50


@blp.get("/retention")
@login_required(CARDS_STAFF)
def trainee_retention():
    return render_template("backoffice/retention.html", kind="cards", preview=privacy.trainee_retention(api()),
                           page_title=_("Conservation des renseignements"))


@blp.get("/productions/retention")
@login_required(PRODUCTIONS_STAFF)
def dormant_accounts():
    preview = privacy.dormant_accounts(api())
    for row in preview["items"]:
        row["action_label"] = _(ACTIONS.get(row["action"], row["action"]))
    return render_template("backoffice/retention.html", kind="aqpm", preview=preview,
                           page_title=_("Conservation des renseignements"))


@blp.get("/privacy/access-log")
@login_required(CARDS_STAFF, PRODUCTIONS_STAFF)
def access_log():
    offset = max(0, request.args.get("offset", 0, type=int) or 0)
    log = privacy.access_log(api(), offset=offset, limit=PAGE)
    for entry in log["items"]:
        entry["what_label"] = _(READS[entry["what"]]) if entry["what"] in READS else entry["what"]
    return render_template("backoffice/access_log.html", log=log, offset=offset, page=PAGE,
                           page_title=_("Journal des consultations"))


@blp.post("/accounts/<user_id>/erase")
@login_required(PRODUCTIONS_STAFF)
def erase_account(user_id: str):
    erased = privacy.erase_member(api(), user_id)
    flash(_("Le compte est anonymisé dans tous les services : il est désormais désigné par %(pseudonym)s.",
            pseudonym=erased["pseudonym"]), "success")
    return redirect(url_for("backoffice.account", user_id=user_id))
