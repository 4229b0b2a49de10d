"""The trainer's requests: the list, the session sheet (new or saved), deleting and cancelling (C4-C6)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from chassis.i18n import _
from services.web.after_post import done
from services.web.clients import cards
from services.web.clients.gateway import ApiError
from services.web.formatting import label_of
from services.web.forms import FormState
from services.web.portal_cards import session_form
from services.web.portal_cards.blueprint import TRAINER, blp, today
from services.web.web_session import api, current_login, login_required


@blp.get("/sessions")
@login_required(*TRAINER)
def sessions():
    offset = max(int(request.args.get("offset", "0") or 0), 0) if request.args.get("offset", "0").isdigit() else 0
    page = cards.list_sessions(api(), limit=25, offset=offset, status=request.args.get("status"))
    return render_template("cards/sessions.html", page=page, offset=offset, limit=25,
                           page_title=_("Sessions"))


def _render_session_form(form: FormState, reference: dict, session: dict | None, status: int = 200):
    editable = session is None or session.get("status") == "new"
    institution_options = [(str(i.get("id")), i.get("name")) for i in reference.get("institutions", [])]
    activity_options = [(a.get("code"), label_of(a)) for a in reference.get("activities", [])]
    return render_template("cards/session_form.html", form=form, reference=reference, session=session,
                           editable=editable, today=today(), login=current_login(),
                           institution_options=institution_options, activity_options=activity_options,
                           page_title=_("Fiche de la session")), status


@blp.route("/sessions/new", methods=["GET", "POST"])
@login_required(*TRAINER)
def new_session():
    reference = cards.reference(api())
    login = current_login()
    form = FormState(values={"trainer_email": login.profile.get("email", ""),
                             "delivery.email": login.profile.get("email", "")})
    if request.method == "POST":
        form.values = session_form.form_values(request.form)
        try:
            created = cards.create_session(api(), session_form.api_body(form.values, reference))
        except ApiError as error:
            return _render_session_form(form.take(error), reference, None, 422)
        flash(_("La session est enregistrée. Ajoutez maintenant les participants."), "success")
        return redirect(url_for("portal_cards.participants", session_id=created["id"]))
    return _render_session_form(form, reference, None)


@blp.route("/sessions/<session_id>", methods=["GET", "POST"])
@login_required(*TRAINER)
def session_sheet(session_id: str):
    reference = cards.reference(api(), include_retired=True)
    session = cards.get_session(api(), session_id)
    form = FormState(values=session_form.values_from_session(session))
    if request.method == "POST":
        form.values = session_form.form_values(request.form)
        try:
            session = cards.update_session(api(), session_id, session_form.api_body(form.values, reference))
        except ApiError as error:
            return _render_session_form(form.take(error), reference, session, 422)
        flash(_("La session est sauvegardée."), "success")
        if request.form.get("then") == "participants":
            return redirect(url_for("portal_cards.participants", session_id=session_id))
        return redirect(url_for("portal_cards.session_sheet", session_id=session_id))
    return _render_session_form(form, reference, session)


@blp.post("/sessions/<session_id>/delete")
@login_required(*TRAINER)
def delete_session(session_id: str):
    cards.delete_session(api(), session_id)
    return done(_("La demande a été supprimée."), "portal_cards.sessions")


@blp.post("/sessions/<session_id>/cancel")
@login_required(*TRAINER)
def cancel_session(session_id: str):
    try:
        cards.cancel_session(api(), session_id, (request.form.get("reason") or "").strip()[:500])
        flash(_("La demande a été annulée."), "success")
    except ApiError as error:
        flash(error.message, "error")
    return redirect(url_for("portal_cards.session_sheet", session_id=session_id))
