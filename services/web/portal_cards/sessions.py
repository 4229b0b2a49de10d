"""Trainer pages: sessions list and form, participants, payment tab, invoices, attestation check."""
from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for

from services.web.clients import billing, cards
from services.web.clients.gateway import ApiError
from services.web.formatting import label_of
from services.web.forms import FormState, trimmed
from services.web.i18n import localize, tr
from services.web.portal_cards import payment_attempts, session_form
from services.web.portal_cards.card_form import CARD_FIELDS, ECHOED_FIELDS, card_from_form
from services.web.portal_cards.csv_format import column_label, csv_header
from services.web.web_session import CARDS_STAFF, api, current_login, login_required

blp = Blueprint("cards", __name__)
TRAINER = ("trainer", CARDS_STAFF)
PARTICIPANT_FIELDS = ("title", "first_name", "last_name", "birth_date", "phone", "phone_ext")
STATUS_ORDER = ("new", "submitted", "invoiced", "paid", "shipped")
ISSUED = ("paid", "shipped")   # the attestations exist once the request is paid


@blp.app_context_processor
def _csv_format():
    """The participants CSV header, one source for the help page and the participants page."""
    return {"participants_csv_header": csv_header}


def today() -> str:
    return datetime.now(ZoneInfo("America/Montreal")).date().isoformat()


@blp.get("/sessions")
@login_required(*TRAINER)
def sessions():
    offset = max(int(request.args.get("offset", "0") or 0), 0) if request.args.get("offset", "0").isdigit() else 0
    page = cards.list_sessions(api(), limit=25, offset=offset, status=request.args.get("status"))
    return render_template("cards/sessions.html", page=page, offset=offset, limit=25,
                           page_title=tr("Sessions", "Sessions"))


def _render_session_form(form: FormState, reference: dict, session: dict | None, status: int = 200):
    editable = session is None or session.get("status") == "new"
    institution_options = [(str(i.get("id")), i.get("name")) for i in reference.get("institutions", [])]
    activity_options = [(a.get("code"), label_of(a)) for a in reference.get("activities", [])]
    return render_template("cards/session_form.html", form=form, reference=reference, session=session,
                           editable=editable, today=today(), login=current_login(),
                           institution_options=institution_options, activity_options=activity_options,
                           page_title=tr("Fiche de la session", "Session sheet")), status


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
        flash(tr("La session est enregistrée. Ajoutez maintenant les participants.",
                 "The session is saved. Now add the participants."), "success")
        return redirect(url_for("cards.participants", session_id=created["id"]))
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
        flash(tr("La session est sauvegardée.", "The session is saved."), "success")
        if request.form.get("then") == "participants":
            return redirect(url_for("cards.participants", session_id=session_id))
        return redirect(url_for("cards.session_sheet", session_id=session_id))
    return _render_session_form(form, reference, session)


@blp.post("/sessions/<session_id>/delete")
@login_required(*TRAINER)
def delete_session(session_id: str):
    cards.delete_session(api(), session_id)
    flash(tr("La demande a été supprimée.", "The request was deleted."), "success")
    return redirect(url_for("cards.sessions"))


@blp.post("/sessions/<session_id>/cancel")
@login_required(*TRAINER)
def cancel_session(session_id: str):
    try:
        cards.cancel_session(api(), session_id, (request.form.get("reason") or "").strip()[:500])
        flash(tr("La demande a été annulée.", "The request was cancelled."), "success")
    except ApiError as error:
        flash(localize(error.message), "error")
    return redirect(url_for("cards.session_sheet", session_id=session_id))


# Participants (C7, X5) ------------------------------------------------------------------------

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
                           page_title=tr("Liste des participants", "Participants")), status


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
            return redirect(url_for("cards.participants", session_id=session_id))
        form.values = trimmed(request.form, *PARTICIPANT_FIELDS)
        try:
            created = cards.add_participant(api(), session_id, _participant_body(form.values))
        except ApiError as error:
            form.take(error)
        else:
            name = f"{created.get('first_name', '')} {created.get('last_name', '')}".strip()
            flash(tr(f"Participant ajouté : {name}.", f"Participant added: {name}."), "success")
            if request.form.get("action") == "save_and_add":
                return redirect(url_for("cards.new_participant", session_id=session_id))
            return redirect(url_for("cards.participants", session_id=session_id))
    return render_template("cards/participant_form.html", session=session, form=form, participant=None,
                           titles=_titles(), today=today(),
                           page_title=tr("Fiche du participant", "Participant")), 422 if form.errors else 200


@blp.route("/sessions/<session_id>/participants/<participant_id>", methods=["GET", "POST"])
@login_required(*TRAINER)
def edit_participant(session_id: str, participant_id: str):
    session = cards.get_session(api(), session_id)
    participant = cards.get_participant(api(), session_id, participant_id)
    form = FormState(values={k: participant.get(k) or "" for k in PARTICIPANT_FIELDS})
    if request.method == "POST":
        if request.form.get("action") == "cancel":
            return redirect(url_for("cards.participants", session_id=session_id))
        form.values = trimmed(request.form, *PARTICIPANT_FIELDS)
        try:
            cards.update_participant(api(), session_id, participant_id, _participant_body(form.values))
        except ApiError as error:
            form.take(error)
        else:
            flash(tr("Fiche du participant sauvegardée.", "Participant saved."), "success")
            return redirect(url_for("cards.participants", session_id=session_id))
    return render_template("cards/participant_form.html", session=session, form=form, participant=participant,
                           titles=_titles(include_retired=True), today=today(),
                           page_title=tr("Fiche du participant", "Participant")), 422 if form.errors else 200


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
    flash(tr("Le participant a été retiré.", "The participant was removed."), "success")
    return redirect(url_for("cards.participants", session_id=session_id))


@blp.route("/sessions/<session_id>/participants/import", methods=["GET", "POST"])
@login_required(*TRAINER)
def import_participants(session_id: str):
    if request.method == "GET":   # e.g. the language switch after an import: back to the list
        return redirect(url_for("cards.participants", session_id=session_id))
    upload = request.files.get("file")
    session = cards.get_session(api(), session_id)
    if upload is None or not upload.filename:
        flash(tr("Choisissez un fichier CSV.", "Choose a CSV file."), "error")
        return redirect(url_for("cards.participants", session_id=session_id))
    try:
        result = cards.import_participants(api(), session_id, upload.filename, upload.read())
    except ApiError as error:
        # the API lists every refused line as {line, fields} beside its error (nothing was added)
        result = {"created": 0, "message": localize(error.message),
                  "problems": [m for messages in error.fields.values() for m in map(localize, messages)],
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
                items.append((column, localize(str(message))))
        lines.append({"line": entry.get("line"), "messages": items})
    return lines


# Payment tab (C8-C10) --------------------------------------------------------------------------

@blp.route("/sessions/<session_id>/payment", methods=["GET", "POST"])
@login_required(*TRAINER)
def payment(session_id: str):
    session = cards.get_session(api(), session_id)
    quote = cards.quote(api(), session_id)
    form = FormState(values={"payment_method": "cheque" if not quote.get("credit_card_allowed") else "",
                             "billed_to": ""})
    if request.method == "POST" and session.get("status") == "new":
        form.values = trimmed(request.form, "payment_method", "billed_to", *ECHOED_FIELDS)
        form.fields = ("payment_method", "billed_to", *(CARD_FIELDS if quote.get("credit_card_allowed") else ()))
        card = None
        if form.value("payment_method") == "credit_card":
            # the whole card is checked before the request is submitted: a refused card writes nothing
            card, card_errors = card_from_form(request.form)
            for name, message in card_errors.items():
                form.add_error(name, message)
        if not form.errors:
            try:
                session = cards.submit(api(), session_id, form.value("payment_method"), form.value("billed_to"))
            except ApiError as error:
                form.take(error)
            else:
                if card is None:
                    flash(tr("Votre demande est soumise. La facture vous sera envoyée par courriel ; indiquez son "
                             "numéro sur votre paiement.",
                             "Your request is submitted. The invoice will be emailed to you; quote its number "
                             "on your payment."), "success")
                    return redirect(url_for("cards.session_sheet", session_id=session_id))
                return _pay_new_invoice(session_id, card)
        if form.errors and not form.message:
            form.message = tr("Vérifiez les champs indiqués.", "Check the fields shown.")
    return render_template("cards/payment.html", session=session, quote=quote, form=form,
                           page_title=tr("Paiement", "Payment")), 422 if form.errors else 200


def _pay_new_invoice(session_id: str, card: dict):
    """After a card submission: wait for billing's invoice, then charge it with the card just typed."""
    invoice_ref = None
    deadline = time.monotonic() + current_app.extensions["web_config"].invoice_wait
    while time.monotonic() < deadline:
        invoice_ref = (cards.get_session(api(), session_id).get("invoice") or None)
        if invoice_ref and invoice_ref.get("id"):
            break
        time.sleep(0.3)
    if not invoice_ref or not invoice_ref.get("id"):
        flash(tr("Votre demande est soumise ; la facture est en préparation. Vous pourrez la payer par carte "
                 "dans l'onglet « Factures » dans un instant.",
                 "Your request is submitted; the invoice is being prepared. You can pay it by card from the "
                 "“Invoices” tab in a moment."), "info")
        return redirect(url_for("cards.session_sheet", session_id=session_id))
    return _charge(invoice_ref["id"], card)


def _pay(invoice_id: str, card: dict) -> None:
    """Charges the card under the attempt's key (see payment_attempts); raises ApiError when refused."""
    try:
        billing.pay_by_card(api(), invoice_id, card, payment_attempts.key_for(invoice_id))
    except ApiError as error:
        if error.code == "idempotency_key_reused":
            # another card than the unanswered attempt's: that is a new attempt (if the first one did
            # charge, the invoice is paid and billing refuses this one)
            payment_attempts.end(invoice_id)
            return _pay(invoice_id, card)
        if payment_attempts.answered(error.status):
            payment_attempts.end(invoice_id)
        raise
    payment_attempts.end(invoice_id)


def _charge(invoice_id: str, card: dict):
    try:
        _pay(invoice_id, card)
    except ApiError as error:
        if error.code == "payment_declined":
            flash(tr("Paiement refusé : ", "Payment declined: ") + localize(error.message), "error")
        elif error.fields:
            # billing refused a field: show it beside the card fields, with what was typed (not the number/CVC)
            form = FormState(values=trimmed(request.form, *ECHOED_FIELDS), fields=CARD_FIELDS)
            return _invoice_page(invoice_id, form.take(error), 422)
        else:
            flash(localize(error.message) or tr("Le paiement n'a pas pu être fait.", "The payment failed."), "error")
        return redirect(url_for("cards.invoice", invoice_id=invoice_id))
    flash(tr("Paiement accepté. Merci! Les cartes seront expédiées sous peu.",
             "Payment accepted. Thank you! The cards will be shipped shortly."), "success")
    return redirect(url_for("cards.invoice", invoice_id=invoice_id))


# Invoices (C10, X3) ----------------------------------------------------------------------------

@blp.get("/invoices")
@login_required(*TRAINER)
def invoices():
    page = billing.list_invoices(api(), limit=50)
    return render_template("cards/invoices.html", page=page, page_title=tr("Factures", "Invoices"))


@blp.route("/invoices/<invoice_id>", methods=["GET", "POST"])
@login_required(*TRAINER)
def invoice(invoice_id: str):
    form = FormState(fields=CARD_FIELDS)
    if request.method == "POST":
        card, card_errors = card_from_form(request.form)
        form.values = trimmed(request.form, *ECHOED_FIELDS)
        if not card_errors:
            return _charge(invoice_id, card)
        for name, message in card_errors.items():
            form.add_error(name, message)
    return _invoice_page(invoice_id, form, 422 if form.errors else 200)


def _invoice_page(invoice_id: str, form: FormState, status: int):
    data = billing.get_invoice(api(), invoice_id)
    return render_template("cards/invoice.html", invoice=data, form=form,
                           page_title=tr("Facture", "Invoice")), status


@blp.get("/invoices/<invoice_id>/pdf")
@login_required(*TRAINER)
def invoice_pdf(invoice_id: str):
    upstream = billing.invoice_pdf(api(), invoice_id)
    return Response(upstream.content, mimetype="application/pdf", headers={
        "Content-Disposition": upstream.headers.get("Content-Disposition", f'inline; filename="{invoice_id}.pdf"')})


@blp.get("/sessions/<session_id>/attestations.pdf")
@login_required(*TRAINER)
def attestations_pdf(session_id: str):
    """The printable sheet of a paid request's valid cards, from the cards API with the trainer's token."""
    upstream = cards.session_attestations_pdf(api(), session_id)
    return Response(upstream.content, mimetype="application/pdf", headers={
        "Content-Disposition": upstream.headers.get("Content-Disposition",
                                                    f'inline; filename="attestations-{session_id}.pdf"'),
        "Cache-Control": "no-store"})


@blp.get("/attestations/<code>/pdf")
@login_required(*TRAINER)
def attestation_pdf(code: str):
    """One participant's card as PDF (the request's trainer or staff)."""
    upstream = cards.attestation_pdf(api(), code)
    return Response(upstream.content, mimetype="application/pdf", headers={
        "Content-Disposition": upstream.headers.get("Content-Disposition", f'inline; filename="{code}.pdf"'),
        "Cache-Control": "no-store"})


# Attestations (X3, public) ---------------------------------------------------------------------

@blp.get("/attestations")
def verify_attestation_form():
    code = (request.args.get("code") or "").strip()
    if code:
        return redirect(url_for("cards.verify_attestation", code=code))
    return render_template("cards/attestation.html", code="", result=None, not_found=False,
                           page_title=tr("Vérification d'une attestation", "Attestation check"))


@blp.get("/attestations/<code>")
def verify_attestation(code: str):
    if len(code) > 64:
        abort(404)
    try:
        result = cards.verify_attestation(api(), code)
        not_found = False
    except ApiError as error:
        if error.status not in (404, 422, 400):
            raise
        result, not_found = None, True
    return render_template("cards/attestation.html", code=code, result=result, not_found=not_found,
                           page_title=tr("Vérification d'une attestation", "Attestation check")), \
        404 if not_found else 200
