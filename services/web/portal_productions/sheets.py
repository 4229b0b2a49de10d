"""Production sheets: the list, one sheet, the form that creates or edits it (P5)."""
from __future__ import annotations

from flask import render_template, request

from chassis.i18n import _
from services.web.after_post import done
from services.web.clients import productions
from services.web.clients.gateway import ApiError
from services.web.forms import FormState
from services.web.portal_productions import sheet_form
from services.web.portal_productions.blueprint import AQPM, blp
from services.web.web_session import api, login_required


@blp.get("/sheets")
@login_required(*AQPM)
def sheets():
    page = productions.list_sheets(api(), limit=200, q=request.args.get("q"))
    can_create = bool(productions.list_houses(api(), limit=1).get("total"))
    return render_template("productions/sheets.html", page=page, can_create=can_create,
                           page_title=_("Fiches de production"))


def _sheet_form_page(form: FormState, sheet: dict | None, status: int = 200):
    my_houses = productions.list_houses(api(), limit=200).get("items", [])
    producer_list = productions.list_producers(api(), limit=200).get("items", [])
    return render_template("productions/sheet_form.html", form=form, sheet=sheet, houses=my_houses,
                           producers=producer_list, type_options=sheet_form.type_options(),
                           page_title=_("Fiche de production")), status


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
        return done(_("Fiche de production créée."),
                    "portal_productions.sheet", sheet_id=created["id"])
    return _sheet_form_page(form, None)


@blp.get("/sheets/<sheet_id>")
@login_required(*AQPM)
def sheet(sheet_id: str):
    data = productions.get_sheet(api(), sheet_id)
    production_type = data.get("production_type")
    type_label = _(sheet_form.TYPE_LABELS[production_type]) if production_type in sheet_form.TYPE_LABELS else ""
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
        return done(_("Fiche de production sauvegardée."),
                    "portal_productions.sheet", sheet_id=sheet_id)
    return _sheet_form_page(form, data)
