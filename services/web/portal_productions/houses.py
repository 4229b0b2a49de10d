"""Production houses: the list, one house and its administrators (P4)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from chassis.i18n import _
from services.web.after_post import done
from services.web.clients import productions
from services.web.clients.gateway import ApiError
from services.web.forms import FormState, trimmed
from services.web.portal_productions.blueprint import AQPM, blp
from services.web.portal_productions.users import picked_user, picker_form
from services.web.web_session import api, login_required


@blp.get("/houses")
@login_required(*AQPM)
def houses():
    page = productions.list_houses(api(), limit=200, q=request.args.get("q"))
    return render_template("productions/houses.html", page=page,
                           page_title=_("Maisons de production"))


def house_page(house_id: str, *, form: FormState | None = None, admin_form: FormState | None = None,
               delegate_form: FormState | None = None, status: int = 200):
    """A production house's page: its form, its administrators, the pickers to add one or a delegate."""
    data = productions.get_house(api(), house_id)
    form = form or FormState(values={"name": data.get("name", ""), "status": data.get("status", "active")})
    return render_template("productions/house.html", house=data, form=form,
                           admin_form=admin_form or picker_form("user_id"),
                           delegate_form=delegate_form or picker_form("delegate"),
                           page_title=_("Édition d'une maison de production")), status


@blp.route("/houses/<house_id>", methods=["GET", "POST"])
@login_required(*AQPM)
def house(house_id: str):
    form = None
    if request.method == "POST":
        form = FormState(values=trimmed(request.form, "name", "status"))
        try:
            productions.update_house(api(), house_id, form.values)
            return done(_("Maison de production sauvegardée."),
                        "portal_productions.house", house_id=house_id)
        except ApiError as error:
            form.take(error)
    return house_page(house_id, form=form, status=422 if form and form.errors else 200)


@blp.post("/houses/<house_id>/admins")
@login_required(*AQPM)
def add_admin(house_id: str):
    user_id = picked_user()
    admin_form = picker_form("user_id")
    if not user_id:
        admin_form.add_error("user_id", _("Choisissez un utilisateur inscrit dans la liste."))
    else:
        try:
            result = productions.add_admin(api(), house_id, user_id)
            flash(_("Administrateur ajouté."), "success")
            if result.get("warning"):
                flash(result["warning"], "warning")
            return redirect(url_for("portal_productions.house", house_id=house_id))
        except ApiError as error:
            admin_form.take(error)
    return house_page(house_id, admin_form=admin_form, status=422)


@blp.post("/houses/<house_id>/admins/<user_id>/remove")
@login_required(*AQPM)
def remove_admin(house_id: str, user_id: str):
    try:
        productions.remove_admin(api(), house_id, user_id)
        flash(_("Administrateur retiré."), "success")
    except ApiError as error:
        flash(error.message, "error")
    return redirect(url_for("portal_productions.house", house_id=house_id))
