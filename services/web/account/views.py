"""Portal 1 account pages: login by trainer username (staff by email), forgotten password, forced
password change, profile (email, password), help and support, logout."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for

from chassis.i18n import LANGUAGES, _, speaking
from services.web.clients import auth
from services.web.clients.gateway import ApiError
from services.web.forms import FormState, trimmed
from services.web.i18n import SESSION_KEY, safe_next
from services.web.web_session import (
    api,
    current_login,
    end_session,
    home_for,
    login_required,
    remember_language,
    start_session,
    store,
)

blp = Blueprint("account", __name__)


def sign_in(login_name: str, password: str, remember_me: bool, portal: str) -> None:
    """Logs in through the auth API and opens the server-side session; ApiError when refused."""
    tokens = auth.login(api(), login_name, password, remember_me)
    login = start_session(tokens, {}, portal, remember_me)
    profile = auth.me(api())
    store().update(login, profile=profile)


@blp.route("/", methods=["GET", "POST"])
@blp.route("/login", methods=["GET", "POST"], endpoint="login_alias")
def login():
    if request.method == "GET" and current_login() is not None:
        return redirect(home_for(current_login()))
    form = FormState(values=trimmed(request.form, "login"))
    if request.method == "POST" and signed_in(
            form, "login", "cards", _("Entrez votre nom d'utilisateur."),
            _("Nom d'utilisateur ou mot de passe incorrect.")):
        return redirect(safe_next(home_for(current_login())))
    return render_template("account/login.html", form=form, page_title=_("Connexion")), \
        (200 if not form.errors and not form.message else 422)


def signed_in(form: FormState, field: str, portal: str, missing: str, wrong: str, rename: dict | None = None) -> bool:
    """A portal's login form sent: ``field`` (username or email) and the password checked, then the session
    opened; False, with the refusals on ``form``, when something was missing or auth refused."""
    password = request.form.get("password") or ""
    if not form.value(field):
        form.add_error(field, missing)
    if not password:
        form.add_error("password", _("Entrez votre mot de passe."))
    if form.errors:
        return False
    try:
        sign_in(form.value(field), password, bool(request.form.get("remember_me")), portal)
        return True
    except ApiError as error:
        form.take(error, rename=rename)
        if error.status == 401:
            form.message = wrong
        return False


@blp.post("/logout")
def logout():
    login = current_login()
    if login is not None:
        try:
            auth.logout(api(), login.refresh_token)
        except ApiError:
            pass
    end_session()
    flash(_("Vous êtes déconnecté."), "info")
    return redirect(safe_next(url_for("account.login")))


@blp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    return forgot_password_page("card_number", _("Entrez votre numéro de carte."),
                                _("J'ai oublié mon mot de passe"))


def forgot_password_page(field: str, missing: str, title: str):
    """A portal's forgotten-password form: who asks is named by ``field`` (a trainer's card number, an
    AQPM member's email); auth mails the link, and the page says the request is sent."""
    form = FormState(values=trimmed(request.form, field))
    if request.method == "POST":
        if not form.value(field):
            form.add_error(field, missing)
        else:
            try:
                auth.forgot_password(api(), **{field: form.value(field)})
                return render_template("account/forgot_sent.html", page_title=_("Demande envoyée"))
            except ApiError as error:
                form.take(error)
    return render_template("account/forgot.html", form=form, field=field, page_title=title)


@blp.route("/password/change", methods=["GET", "POST"])
@login_required()
def change_password():
    login = current_login()
    form = FormState()
    if request.method == "POST":
        old, new, confirmation = (request.form.get(n) or "" for n in ("old_password", "new_password",
                                                                       "new_password_confirmation"))
        try:
            auth.change_password(api(), old, new, confirmation)
            # The access token of a temporary-password login says pwd_change_required, which every
            # service refuses: trade it for one minted after the change.
            api().refresh()
            store().update(login, must_change_password=False)
            flash(_("Votre mot de passe a été changé."), "success")
            return redirect(home_for(login))
        except ApiError as error:
            form.take(error)
    return render_template("account/change_password.html", form=form, forced=_forced_change(login),
                           page_title=_("Changement du mot de passe"))


def _forced_change(login) -> bool:
    """Is this session the one opened with a temporary password? The auth service says it per session
    (``GET /me``); a session saved before a login with the real password ended the change is corrected."""
    try:
        forced = bool(auth.me(api()).get("must_change_password"))
    except ApiError:
        return login.must_change_password
    if forced != login.must_change_password:
        store().update(login, must_change_password=forced)
    return forced


@blp.route("/profile", methods=["GET", "POST"])
@login_required()
def profile():
    login = current_login()
    me = auth.me(api())
    store().update(login, profile=me)
    email_form = FormState(values={"email": me.get("email", "")})
    password_form = FormState()
    if request.method == "POST" and request.form.get("action") == "email":
        email_form.values = trimmed(request.form, "email")
        current_password = request.form.get("current_password") or ""
        if not email_form.value("email"):
            email_form.add_error("email", _("Entrez votre nouvelle adresse courriel."))
        else:
            try:
                # The API asks for the current password only when the address really changes.
                changes = {"email": email_form.value("email")}
                if current_password:
                    changes["current_password"] = current_password
                me = auth.update_me(api(), **changes)
                store().update(login, profile=me)
                if me.get("pending_email"):
                    flash(_("Un lien de confirmation a été envoyé à %(pending)s. Votre adresse reste %(email)s tant "
                            "que vous ne l'avez pas suivi (24 heures).", pending=me["pending_email"],
                            email=me["email"]), "success")
                else:
                    flash(_("Votre courriel a été modifié."), "success")
                return redirect(request.path)
            except ApiError as error:
                email_form.take(error)
    elif request.method == "POST" and request.form.get("action") == "language":
        language = request.form.get("language") or ""
        if language in LANGUAGES and remember_language(language):
            session[SESSION_KEY] = language  # this browser follows the choice at once
            with speaking(language):  # said in the language just chosen, as the next page will be
                flash(_("Votre langue a été changée."), "success")
            return redirect(request.path)
        flash(_("Choisissez le français ou l'anglais."), "error")
    elif request.method == "POST" and request.form.get("action") == "password":
        try:
            auth.change_password(api(), request.form.get("old_password") or "",
                                 request.form.get("new_password") or "",
                                 request.form.get("new_password_confirmation") or "")
            flash(_("Votre mot de passe a été changé."), "success")
            return redirect(request.path)
        except ApiError as error:
            password_form.take(error)
    return render_template("account/profile.html", me=me, email_form=email_form, password_form=password_form,
                           page_title=_("Profil"))


@blp.get("/help")
def help():
    return render_template("account/help.html", page_title=_("Aide en ligne"))


# The pages the email-change links land on, the privacy pages, the data export and the erasure of one's account add
# their routes to this blueprint.
from services.web.account import data_export, email_change, erasure, privacy  # noqa: E402,F401
