"""Producers: the list and the form that adds one to a house (P3)."""
from __future__ import annotations

from flask import render_template, request

from chassis.i18n import _
from services.web.after_post import done
from services.web.clients import productions
from services.web.clients.gateway import ApiError
from services.web.forms import FormState, trimmed
from services.web.portal_productions.blueprint import AQPM, blp
from services.web.web_session import api, login_required


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
            return done(_("Producteur ajouté."), "portal_productions.producers")
        except ApiError as error:
            form.take(error, rename={"house_ids": "house_id"})
    page = productions.list_producers(api(), limit=200)
    return render_template("productions/producers.html", page=page, form=form, houses=my_houses,
                           page_title=_("Producteurs")), 422 if form.errors else 200
