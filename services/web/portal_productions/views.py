"""AQPM pages: registration and login, users, production houses and their administrators, producers,
production sheets, "Gérer les accès" and "Accéder au SET"."""
from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for

from services.web.account.views import sign_in
from services.web.clients import auth, productions
from services.web.clients.gateway import ApiError
from services.web.forms import FormState, trimmed
from services.web.i18n import current_language, localize, safe_next, tr
from services.web.portal_productions import sheet_form
from services.web.web_session import MEMBER, PRODUCTIONS_STAFF, api, current_login, login_required

blp = Blueprint("aqpm", __name__, url_prefix="/aqpm")
AQPM = (MEMBER, PRODUCTIONS_STAFF)
REGISTER_FIELDS = ("first_name", "last_name", "email", "email_confirmation")


@blp.get("/")
def home():
    if current_login() is not None and current_login().has(*AQPM):
        return redirect(url_for("aqpm.sheets"))
    return _entry_page(FormState(), FormState())


def _entry_page(register_form: FormState, login_form: FormState, status: int = 200):
    return render_template("productions/entry.html", register_form=register_form, login_form=login_form,
                           page_title=tr("Inscription et connexion", "Registration and log in")), status


@blp.route("/login", methods=["GET", "POST"])
def login():
    login_form = FormState(values=trimmed(request.form, "email"))
    if request.method == "GET":
        return _entry_page(FormState(), login_form)
    password = request.form.get("password") or ""
    if not login_form.value("email"):
        login_form.add_error("email", tr("Entrez votre courriel.", "Enter your email."))
    if not password:
        login_form.add_error("password", tr("Entrez votre mot de passe.", "Enter your password."))
    if not login_form.errors:
        try:
            sign_in(login_form.value("email"), password, bool(request.form.get("remember_me")), "aqpm")
            return redirect(safe_next(url_for("aqpm.sheets")))
        except ApiError as error:
            login_form.take(error, rename={"login": "email"})
            if error.status == 401:
                login_form.message = tr("Courriel ou mot de passe incorrect.", "Wrong email or password.")
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
    flash(tr("Bienvenue! Votre inscription est faite.", "Welcome! You are registered."), "success")
    return redirect(url_for("aqpm.sheets"))


@blp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = FormState(values=trimmed(request.form, "email"))
    if request.method == "POST":
        if not form.value("email"):
            form.add_error("email", tr("Entrez votre courriel.", "Enter your email."))
        else:
            try:
                auth.forgot_password(api(), email=form.value("email"))
                return render_template("account/forgot_sent.html", page_title=tr("Demande envoyée", "Request sent"))
            except ApiError as error:
                form.take(error)
    return render_template("productions/forgot.html", form=form,
                           page_title=tr("Mot de passe oublié", "Forgotten password"))


@blp.route("/profile", methods=["GET", "POST"])
@login_required()
def profile():
    from services.web.account.views import profile as account_profile
    return account_profile.__wrapped__()


# Users and the type-ahead (P4, P6) ---------------------------------------------------------------

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
                           page_title=tr("Utilisateurs", "Users"))


@blp.get("/users/suggest")
@login_required(*AQPM)
def suggest_users():
    """JSON for the type-ahead: registered users whose name or email matches ``q`` (2+ characters)."""
    q = (request.args.get("q") or "").strip()[:100]
    if len(q) < 2:
        return jsonify(items=[])
    found = productions.users(api(), q, limit=10)
    return jsonify(items=[{"id": u["id"], "label": f"{u.get('first_name', '')} {u.get('last_name', '')} <{u.get('email', '')}>"}
                          for u in found.get("items", [])])


def _picked_user() -> str:
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


# Production houses (P4) --------------------------------------------------------------------------

@blp.get("/houses")
@login_required(*AQPM)
def houses():
    page = productions.list_houses(api(), limit=200, q=request.args.get("q"))
    return render_template("productions/houses.html", page=page,
                           page_title=tr("Maisons de production", "Production houses"))


def picker_form(name: str) -> FormState:
    """The form of a type-ahead picker: the typed name kept, refusals of the picked id beside it
    (the picker macro shows ``name``'s errors; ``fields`` says so to the error placement)."""
    return FormState(values=trimmed(request.form, f"{name}_query"), fields=(name,))


def house_page(house_id: str, *, form: FormState | None = None, admin_form: FormState | None = None,
               delegate_form: FormState | None = None, status: int = 200):
    """A production house's page: its form, its administrators, the pickers to add one or a delegate."""
    data = productions.get_house(api(), house_id)
    form = form or FormState(values={"name": data.get("name", ""), "status": data.get("status", "active")})
    return render_template("productions/house.html", house=data, form=form,
                           admin_form=admin_form or picker_form("user_id"),
                           delegate_form=delegate_form or picker_form("delegate"),
                           page_title=tr("Édition d'une maison de production", "Edit a production house")), status


@blp.route("/houses/<house_id>", methods=["GET", "POST"])
@login_required(*AQPM)
def house(house_id: str):
    form = None
    if request.method == "POST":
        form = FormState(values=trimmed(request.form, "name", "status"))
        try:
            productions.update_house(api(), house_id, form.values)
            flash(tr("Maison de production sauvegardée.", "Production house saved."), "success")
            return redirect(url_for("aqpm.house", house_id=house_id))
        except ApiError as error:
            form.take(error)
    return house_page(house_id, form=form, status=422 if form and form.errors else 200)


@blp.post("/houses/<house_id>/admins")
@login_required(*AQPM)
def add_admin(house_id: str):
    user_id = _picked_user()
    admin_form = picker_form("user_id")
    if not user_id:
        admin_form.add_error("user_id", tr("Choisissez un utilisateur inscrit dans la liste.",
                                           "Choose a registered user from the list."))
    else:
        try:
            result = productions.add_admin(api(), house_id, user_id)
            flash(tr("Administrateur ajouté.", "Administrator added."), "success")
            if result.get("warning"):
                flash(localize(result["warning"]), "warning")
            return redirect(url_for("aqpm.house", house_id=house_id))
        except ApiError as error:
            admin_form.take(error)
    return house_page(house_id, admin_form=admin_form, status=422)


@blp.post("/houses/<house_id>/admins/<user_id>/remove")
@login_required(*AQPM)
def remove_admin(house_id: str, user_id: str):
    try:
        productions.remove_admin(api(), house_id, user_id)
        flash(tr("Administrateur retiré.", "Administrator removed."), "success")
    except ApiError as error:
        flash(localize(error.message), "error")
    return redirect(url_for("aqpm.house", house_id=house_id))


# Producers (P3) ----------------------------------------------------------------------------------

@blp.route("/producers", methods=["GET", "POST"])
@login_required(*AQPM)
def producers():
    my_houses = productions.list_houses(api(), limit=200).get("items", [])
    form = FormState(values={"house_id": my_houses[0]["id"] if len(my_houses) == 1 else ""})
    if request.method == "POST":
        form.values = trimmed(request.form, "name", "email", "phone", "house_id")
        body = {"name": form.value("name"), "house_ids": [form.value("house_id")] if form.value("house_id") else []}
        for optional in ("email", "phone"):
            if form.value(optional):
                body[optional] = form.value(optional)
        try:
            productions.create_producer(api(), body)
            flash(tr("Producteur ajouté.", "Producer added."), "success")
            return redirect(url_for("aqpm.producers"))
        except ApiError as error:
            form.take(error, rename={"house_ids": "house_id"})
    page = productions.list_producers(api(), limit=200)
    return render_template("productions/producers.html", page=page, form=form, houses=my_houses,
                           page_title=tr("Producteurs", "Producers")), 422 if form.errors else 200


# Production sheets (P5) --------------------------------------------------------------------------

@blp.get("/sheets")
@login_required(*AQPM)
def sheets():
    page = productions.list_sheets(api(), limit=200, q=request.args.get("q"))
    can_create = bool(productions.list_houses(api(), limit=1).get("total"))
    return render_template("productions/sheets.html", page=page, can_create=can_create,
                           page_title=tr("Fiches de production", "Production sheets"))


def _sheet_form_page(form: FormState, sheet: dict | None, status: int = 200):
    my_houses = productions.list_houses(api(), limit=200).get("items", [])
    producer_list = productions.list_producers(api(), limit=200).get("items", [])
    return render_template("productions/sheet_form.html", form=form, sheet=sheet, houses=my_houses,
                           producers=producer_list, type_options=sheet_form.type_options(),
                           page_title=tr("Fiche de production", "Production sheet")), status


@blp.route("/sheets/new", methods=["GET", "POST"])
@login_required(*AQPM)
def new_sheet():
    form = FormState(values={"house_id": request.args.get("house_id", "")})
    if request.method == "POST":
        form.values = sheet_form.form_values(request.form)
        try:
            created = productions.create_sheet(api(), sheet_form.api_body(form.values, creating=True))
        except ApiError as error:
            return _sheet_form_page(form.take(error), None, 422)
        flash(tr("Fiche de production créée.", "Production sheet created."), "success")
        return redirect(url_for("aqpm.sheet", sheet_id=created["id"]))
    return _sheet_form_page(form, None)


@blp.get("/sheets/<sheet_id>")
@login_required(*AQPM)
def sheet(sheet_id: str):
    data = productions.get_sheet(api(), sheet_id)
    type_label = localize(sheet_form.TYPE_LABELS.get(data.get("production_type") or "", "")) if data.get("production_type") else ""
    return render_template("productions/sheet.html", sheet=data, type_label=type_label,
                           page_title=data.get("title", ""))


@blp.route("/sheets/<sheet_id>/edit", methods=["GET", "POST"])
@login_required(*AQPM)
def edit_sheet(sheet_id: str):
    data = productions.get_sheet(api(), sheet_id)
    form = FormState(values=sheet_form.values_from_sheet(data))
    if request.method == "POST":
        form.values = dict(sheet_form.form_values(request.form), house_id=data.get("house_id", ""))
        try:
            productions.update_sheet(api(), sheet_id, sheet_form.api_body(form.values, creating=False))
        except ApiError as error:
            return _sheet_form_page(form.take(error), data, 422)
        flash(tr("Fiche de production sauvegardée.", "Production sheet saved."), "success")
        return redirect(url_for("aqpm.sheet", sheet_id=sheet_id))
    return _sheet_form_page(form, data)


@blp.route("/sheets/<sheet_id>/access", methods=["GET", "POST"])
@login_required(*AQPM)
def access(sheet_id: str):
    data = productions.get_sheet(api(), sheet_id)
    form = picker_form("user_id")
    if request.method == "POST":
        user_id = _picked_user()
        if not user_id:
            form.add_error("user_id", tr("Choisissez un utilisateur inscrit dans la liste.",
                                         "Choose a registered user from the list."))
        else:
            try:
                productions.grant_access(api(), sheet_id, user_id)
                flash(tr("Accès accordé.", "Access granted."), "success")
                return redirect(url_for("aqpm.access", sheet_id=sheet_id))
            except ApiError as error:
                form.take(error)
    granted = productions.list_access(api(), sheet_id)
    return render_template("productions/access.html", sheet=data, granted=granted, form=form,
                           page_title=tr("Gérer les accès", "Manage access")), 422 if form.errors else 200


@blp.post("/sheets/<sheet_id>/access/<user_id>/revoke")
@login_required(*AQPM)
def revoke(sheet_id: str, user_id: str):
    productions.revoke_access(api(), sheet_id, user_id)
    flash(tr("Accès retiré.", "Access withdrawn."), "success")
    return redirect(url_for("aqpm.access", sheet_id=sheet_id))


@blp.post("/sheets/<sheet_id>/set")
@login_required(*AQPM)
def go_to_set(sheet_id: str):
    """"Accéder au SET" (P7): a fresh signed hand-off, then straight on to the SET address."""
    try:
        handoff = productions.set_access(api(), sheet_id)
    except ApiError as error:
        if error.status in (403, 404):
            flash(tr("Vous n'êtes pas autorisé à faire des demandes au SET pour cette production.",
                     "You are not authorized to make SET requests for this production."), "error")
            return redirect(url_for("aqpm.sheets"))
        raise
    return redirect(handoff["redirect_url"], code=303)
