"""Staff: one account of their portal, its security trail, and disabling or enabling it (issue 17, 7 and 11).

Linked from the trainers' directory (ASSTSAS staff) and the users' list (AQPM staff). Auth decides
who may see and change which account (staff of the person's portal); anyone else's is a 404 here too.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from services.web.backoffice.views import blp
from services.web.clients import auth
from services.web.i18n import tr
from services.web.web_session import CARDS_STAFF, PRODUCTIONS_STAFF, api, login_required

# What each kind and outcome of auth's security trail means to staff (services/auth/operations/security_events.py).
EVENT_KINDS = {
    "login": ("Connexion", "Log in"), "login_lockout": ("Blocage des connexions", "Login lockout"),
    "email_change_requested": ("Changement de courriel demandé", "Email change requested"),
    "email_change_confirmed": ("Changement de courriel confirmé", "Email change confirmed"),
    "email_change_cancelled": ("Changement de courriel annulé", "Email change cancelled"),
    "password_changed": ("Mot de passe changé", "Password changed"),
    "password_reset_requested": ("Nouveau mot de passe demandé", "Password reset requested"),
    "refresh_token_reuse": ("Réutilisation d'un jeton de session", "Session token reused"),
    "account_disabled": ("Compte désactivé", "Account disabled"),
    "account_enabled": ("Compte réactivé", "Account enabled"),
}
OUTCOMES = {"success": ("réussi", "succeeded"), "failure": ("échoué", "failed"), "throttled": ("retardé", "delayed"),
            "locked": ("bloqué", "locked"), "revoked": ("sessions fermées", "sessions closed"),
            "conflict": ("refusé (conflit)", "refused (conflict)")}


def _label(table: dict, key: str) -> str:
    return tr(*table[key]) if key in table else key


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
    flash(tr(f"Le compte de {person['first_name']} {person['last_name']} est désactivé : ses sessions sont "
             "fermées et la plateforme refuse son accès d'ici une minute.",
             f"{person['first_name']} {person['last_name']}'s account is disabled: their sessions are closed "
             "and the platform refuses their access within a minute."), "success")
    return redirect(url_for("backoffice.account", user_id=user_id))


@blp.post("/accounts/<user_id>/enable")
@login_required(CARDS_STAFF, PRODUCTIONS_STAFF)
def enable_account(user_id: str):
    person = auth.set_disabled(api(), user_id, False)
    flash(tr(f"Le compte de {person['first_name']} {person['last_name']} est réactivé.",
             f"{person['first_name']} {person['last_name']}'s account is enabled again."), "success")
    return redirect(url_for("backoffice.account", user_id=user_id))
