"""Staff: one account of their portal, its security trail, and disabling or enabling it (issue 17, 7 and 11).

Linked from the trainers' directory (ASSTSAS staff) and the users' list (AQPM staff). Auth decides
who may see and change which account (staff of the person's portal); anyone else's is a 404 here too.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from chassis.i18n import N_, _
from services.web.backoffice.views import blp
from services.web.clients import auth
from services.web.web_session import CARDS_STAFF, PRODUCTIONS_STAFF, api, login_required

# What each kind and outcome of auth's security trail means to staff (services/auth/operations/security_events.py).
EVENT_KINDS = {
    "login": N_("Connexion"), "login_lockout": N_("Blocage des connexions"),
    "email_change_requested": N_("Changement de courriel demandé"),
    "email_change_confirmed": N_("Changement de courriel confirmé"),
    "email_change_cancelled": N_("Changement de courriel annulé"),
    "password_changed": N_("Mot de passe changé"),
    "password_reset_requested": N_("Nouveau mot de passe demandé"),
    "refresh_token_reuse": N_("Réutilisation d'un jeton de session"),
    "account_disabled": N_("Compte désactivé"),
    "account_enabled": N_("Compte réactivé"),
    "data_export_requested": N_("Exportation des données demandée"),
}
OUTCOMES = {"success": N_("réussi"), "failure": N_("échoué"), "throttled": N_("retardé"),
            "locked": N_("bloqué"), "revoked": N_("sessions fermées"),
            "conflict": N_("refusé (conflit)")}


def _label(table: dict, key: str) -> str:
    return _(table[key]) if key in table else key


@blp.get("/accounts/<user_id>")
@login_required(CARDS_STAFF, PRODUCTIONS_STAFF)
def account(user_id: str):
    person = auth.get_user(api(), user_id)
    trail = [dict(event, kind_label=_label(EVENT_KINDS, event.get("kind", "")),
                  outcome_label=_label(OUTCOMES, event.get("outcome", "")))
             for event in auth.security_events(api(), user_id).get("items", [])]
    return render_template("backoffice/account.html", person=person, trail=trail,
                           page_title=f"{person.get('first_name', '')} {person.get('last_name', '')}".strip())


@blp.post("/accounts/<user_id>/disable")
@login_required(CARDS_STAFF, PRODUCTIONS_STAFF)
def disable_account(user_id: str):
    person = auth.set_disabled(api(), user_id, True)
    flash(_("Le compte de %(first_name)s %(last_name)s est désactivé : ses sessions sont fermées et la "
            "plateforme refuse son accès d'ici une minute.", first_name=person["first_name"],
            last_name=person["last_name"]), "success")
    return redirect(url_for("backoffice.account", user_id=user_id))


@blp.post("/accounts/<user_id>/enable")
@login_required(CARDS_STAFF, PRODUCTIONS_STAFF)
def enable_account(user_id: str):
    person = auth.set_disabled(api(), user_id, False)
    flash(_("Le compte de %(first_name)s %(last_name)s est réactivé.", first_name=person["first_name"],
            last_name=person["last_name"]), "success")
    return redirect(url_for("backoffice.account", user_id=user_id))
