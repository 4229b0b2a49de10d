"""The participants tab of a request: the list, one participant's form, the CSV import (C7, X5)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from chassis.i18n import _
from services.web.after_post import done
from services.web.clients import cards
from services.web.clients.gateway import ApiError
from services.web.formatting import label_of
from services.web.forms import FormState, trimmed
from services.web.portal_cards.blueprint import TRAINER, blp, today
from services.web.portal_cards.csv_format import column_label, csv_header
from services.web.web_session import api, login_required

PARTICIPANT_FIELDS = ("title", "first_name", "last_name", "birth_date", "phone", "phone_ext")
ISSUED = ("paid", "shipped")   # the attestations exist once the request is paid


@blp.app_context_processor
def _csv_format():
    """The participants CSV header, one source for the help page and the participants page."""
    return {"participants_csv_header": csv_header}


@blp.get("/sessions/<session_id>/participants")
@login_required(*TRAINER)
def participants(session_id: str):
    session = cards.get_session(api(), session_id)
    return _participants_page(session, None)


def _participants_page(session: dict, import_result: dict | None, status: int = 200):
    listing = cards.participants(api(), session["id"])
    return render_template("cards/participants.html", session=session, listing=listing,
                           import_result=import_result, title_labels=dict(_titles(include_retired=True)),
                           issued=session.get("status") in ISSUED,
                           page_title=_("Liste des participants")), status


def _titles(include_retired: bool = False) -> list[tuple[str, str]]:
    """The titles' codes and labels in the page's language (a participant keeps a retired one)."""
    reference = cards.reference(api(), include_retired=include_retired)
    return [(t.get("code"), label_of(t)) for t in reference.get("titles", [])]


@blp.route("/sessions/<session_id>/participants/new", methods=["GET", "POST"])
@login_required(*TRAINER)
def new_participant(session_id: str):
    session = cards.get_session(api(), session_id)
    form = FormState()
    if request.method == "POST":
        if request.form.get("action") == "cancel":
            return redirect(url_for("portal_cards.participants", session_id=session_id))
        form.values = trimmed(request.form, *PARTICIPANT_FIELDS)
        try:
            created = cards.add_participant(api(), session_id, _participant_body(form.values))
        except ApiError as error:
            form.take(error)
        else:
            name = f"{created.get('first_name', '')} {created.get('last_name', '')}".strip()
            flash(_("Participant ajouté : %(name)s.", name=name), "success")
            if request.form.get("action") == "save_and_add":
                return redirect(url_for("portal_cards.new_participant", session_id=session_id))
            return redirect(url_for("portal_cards.participants", session_id=session_id))
    return render_template("cards/participant_form.html", session=session, form=form, participant=None,
                           titles=_titles(), today=today(),
                           page_title=_("Fiche du participant")), 422 if form.errors else 200


@blp.route("/sessions/<session_id>/participants/<participant_id>", methods=["GET", "POST"])
@login_required(*TRAINER)
def edit_participant(session_id: str, participant_id: str):
    session = cards.get_session(api(), session_id)
    participant = cards.get_participant(api(), session_id, participant_id)
    form = FormState(values={k: participant.get(k) or "" for k in PARTICIPANT_FIELDS})
    if request.method == "POST":
        if request.form.get("action") == "cancel":
            return redirect(url_for("portal_cards.participants", session_id=session_id))
        form.values = trimmed(request.form, *PARTICIPANT_FIELDS)
        try:
            cards.update_participant(api(), session_id, participant_id, _participant_body(form.values))
        except ApiError as error:
            form.take(error)
        else:
            return done(_("Fiche du participant sauvegardée."),
                        "portal_cards.participants", session_id=session_id)
    return render_template("cards/participant_form.html", session=session, form=form, participant=participant,
                           titles=_titles(include_retired=True), today=today(),
                           page_title=_("Fiche du participant")), 422 if form.errors else 200


def _participant_body(values: dict) -> dict:
    body = {k: values[k] for k in PARTICIPANT_FIELDS if k != "phone_ext"}
    body["birth_date"] = body["birth_date"] or None
    body["phone_ext"] = values.get("phone_ext") or None
    if body["phone_ext"] is None:
        body.pop("phone_ext")
    return body


@blp.post("/sessions/<session_id>/participants/<participant_id>/delete")
@login_required(*TRAINER)
def delete_participant(session_id: str, participant_id: str):
    cards.delete_participant(api(), session_id, participant_id)
    return done(_("Le participant a été retiré."),
                "portal_cards.participants", session_id=session_id)


@blp.route("/sessions/<session_id>/participants/import", methods=["GET", "POST"])
@login_required(*TRAINER)
def import_participants(session_id: str):
    if request.method == "GET":   # e.g. the language switch after an import: back to the list
        return redirect(url_for("portal_cards.participants", session_id=session_id))
    upload = request.files.get("file")
    session = cards.get_session(api(), session_id)
    if upload is None or not upload.filename:
        flash(_("Choisissez un fichier CSV."), "error")
        return redirect(url_for("portal_cards.participants", session_id=session_id))
    try:
        result = cards.import_participants(api(), session_id, upload.filename, upload.read())
    except ApiError as error:
        # the API lists every refused line as {line, fields} beside its error (nothing was added)
        result = {"created": 0, "message": error.message,
                  "problems": [m for messages in error.fields.values() for m in messages],
                  "lines": import_lines(error.body.get("errors"))}
        return _participants_page(session, result, 422)
    return _participants_page(session, {**result, "problems": [], "lines": import_lines(result.get("errors"))})


def import_lines(errors) -> list[dict]:
    """The import's refused lines for the page: ``[{line, messages: [(column, message)]}]`` in its language."""
    lines = []
    for entry in errors if isinstance(errors, list) else []:
        if not isinstance(entry, dict):
            continue
        items = []
        for field, messages in (entry.get("fields") or {}).items():
            column = "" if field.startswith("_") else column_label(field)
            for message in [messages] if isinstance(messages, str) else messages:
                items.append((column, str(message)))
        lines.append({"line": entry.get("line"), "messages": items})
    return lines
