"""The AQPM portal's door: registration and login on one page, the forgotten password, the profile (P1, P2)."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for

from chassis.i18n import _, current_language
from services.web.account.views import forgot_password_page, sign_in, signed_in
from services.web.after_post import done
from services.web.clients import auth
from services.web.clients.gateway import ApiError
from services.web.forms import FormState, trimmed
from services.web.i18n import safe_next
from services.web.portal_productions.blueprint import AQPM, blp
from services.web.web_session import api, current_login, login_required

REGISTER_FIELDS = ("first_name", "last_name", "email", "email_confirmation")


@blp.get("/")
def home():
    if current_login() is not None and current_login().has(*AQPM):
        return redirect(url_for("portal_productions.sheets"))
    return _entry_page(FormState(), FormState())


def _entry_page(register_form: FormState, login_form: FormState, status: int = 200):
    return render_template("productions/entry.html", register_form=register_form, login_form=login_form,
                           page_title=_("Inscription et connexion")), status


@blp.route("/login", methods=["GET", "POST"])
def login():
    login_form = FormState(values=trimmed(request.form, "email"))
    if request.method == "GET":
        return _entry_page(FormState(), login_form)
    if signed_in(login_form, "email", "aqpm", _("Entrez votre courriel."),
                 _("Courriel ou mot de passe incorrect."), rename={"login": "email"}):
        return redirect(safe_next(url_for("portal_productions.sheets")))
    return _entry_page(FormState(), login_form, 422)


@blp.post("/register")
def register():
    form = FormState(values=trimmed(request.form, *REGISTER_FIELDS))
    body = dict(form.values, password=request.form.get("password") or "",
                password_confirmation=request.form.get("password_confirmation") or "",
                language=current_language())
    try:
        auth.register(api(), body)
        sign_in(form.value("email"), body["password"], False, "aqpm")
    except ApiError as error:
        return _entry_page(form.take(error), FormState(), 422)
    return done(_("Bienvenue! Votre inscription est faite."),
                "portal_productions.sheets")


@blp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    return forgot_password_page("email", _("Entrez votre courriel."),
                                _("Mot de passe oublié"))


@blp.route("/profile", methods=["GET", "POST"])
@login_required()
def profile():
    from services.web.account.views import profile as account_profile
    return account_profile.__wrapped__()
