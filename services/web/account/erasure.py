"""A member erases their own account (Law 25, erasure on request), from the AQPM profile: the page says what it
does, asks the password, and after it the person is signed out (auth anonymized the account in every service).
Trainers and staff get auth's refusal (their accounts are kept for cards and invoices)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from chassis.i18n import _
from services.web.account.views import blp
from services.web.clients.gateway import ApiError
from services.web.forms import FormState
from services.web.web_session import api, end_session, login_required


@blp.route("/aqpm/profile/erasure", methods=["GET", "POST"], endpoint="erase_my_account")
@login_required()
def erase_my_account():
    form = FormState(fields=("password",))
    if request.method == "POST":
        try:
            api().post("auth", "/me/erasure", json={"password": request.form.get("password") or ""})
        except ApiError as error:
            if error.status not in (403, 422):
                raise
            form.take(error)
        else:
            end_session()
            flash(_("Votre compte est effacé : vos renseignements personnels sont anonymisés dans tous les "
                    "services."), "success")
            return redirect(url_for("portal_productions.login"))
    return render_template("account/erasure.html", form=form, page_title=_("Effacer mon compte")), \
        422 if form.errors or form.message else 200
