"""Back-office pages for ASSTSAS staff (``cards_staff``) and AQPM staff (``productions_staff``)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from chassis.i18n import _, ngettext
from services.web import formatting
from services.web.after_post import done
from services.web.clients import auth, billing, cards, productions
from services.web.clients.gateway import ApiError
from services.web.forms import FormState, trimmed
from services.web.pdf_response import pdf_response
from services.web.web_session import CARDS_STAFF, PRODUCTIONS_STAFF, api, current_login, login_required

blp = Blueprint("backoffice", __name__, url_prefix="/staff")
REFERENCE_KINDS = ("organization_types", "institutions", "activities", "titles")


@blp.get("/")
@login_required(CARDS_STAFF, PRODUCTIONS_STAFF)
def home():
    if current_login().has(CARDS_STAFF):
        return redirect(url_for("backoffice.cards_home"))
    return redirect(url_for("backoffice.productions_home"))


@blp.get("/cards")
@login_required(CARDS_STAFF)
def cards_home():
    return redirect(url_for("backoffice.sessions"))


# Trainer accounts -------------------------------------------------------------------------------

@blp.route("/trainers", methods=["GET", "POST"])
@login_required(CARDS_STAFF)
def trainers():
    form = FormState()
    if request.method == "POST":
        form.values = trimmed(request.form, "card_number", "first_name", "last_name", "email", "language")
        body = {k: v for k, v in form.values.items() if v}
        try:
            created = auth.create_trainer(api(), body)
            flash(_("Compte créé : %(username)s. Le mot de passe temporaire est envoyé par courriel.",
                    username=created.get("username")), "success")
            return redirect(url_for("backoffice.trainers"))
        except ApiError as error:
            form.take(error)
    q = (request.args.get("q") or "").strip()[:100]
    found = auth.directory(api(), q, limit=50) if len(q) >= 2 else None
    return render_template("backoffice/trainers.html", form=form, q=q, found=found,
                           page_title=_("Comptes des formateurs")), 422 if form.errors else 200


# Reference lists --------------------------------------------------------------------------------

@blp.route("/reference", methods=["GET", "POST"])
@login_required(CARDS_STAFF)
def reference():
    # the page's forms pick their FormState with an expression: name the fields it shows
    form = FormState(fields=("kind", "code", "label", "label_en", "name"))
    if request.method == "POST":
        kind = request.form.get("kind", "")
        if kind not in REFERENCE_KINDS:
            abort(400)
        form.values = trimmed(request.form, "kind", "code", "label", "label_en", "name")
        body = {k: v for k, v in form.values.items() if v and k != "kind"}
        if kind == "organization_types":
            body["requires_institution"] = bool(request.form.get("requires_institution"))
        try:
            cards.add_reference(api(), kind, body)
            return done(_("Entrée ajoutée."), "backoffice.reference")
        except ApiError as error:
            form.take(error)
    data = cards.reference(api(), include_retired=True)
    return render_template("backoffice/reference.html", data=data, form=form, blank_form=FormState(),
                           kinds=REFERENCE_KINDS,
                           page_title=_("Listes de référence")), 422 if form.errors else 200


@blp.post("/reference/<kind>/<code>/toggle")
@login_required(CARDS_STAFF)
def toggle_reference(kind: str, code: str):
    if kind not in REFERENCE_KINDS:
        abort(404)
    try:
        cards.patch_reference(api(), kind, code, {"active": request.form.get("active") == "1"})
        flash(_("Liste mise à jour."), "success")
    except ApiError as error:
        flash(error.message, "error")
    return redirect(url_for("backoffice.reference"))


# Requests and shipping (C11) --------------------------------------------------------------------

@blp.get("/sessions")
@login_required(CARDS_STAFF)
def sessions():
    # Opens on the paid requests, the ones waiting to be shipped; the page says so and links to all.
    status = request.args.get("status", "paid")
    page = cards.list_sessions(api(), limit=100, status=status or None, trainer=request.args.get("trainer"))
    return render_template("backoffice/sessions.html", page=page, status=status,
                           page_title=_("Demandes de cartes"))


def _confirmation_page(question: str, detail: str, action: str, button: str, cancel: str, keep: dict):
    """The confirmation step of an action that cannot be undone, for browsers without JavaScript
    (with it, the button's own confirm dialog marks the form ``confirmed``)."""
    return render_template("backoffice/confirm.html", question=question, detail=detail, action=action,
                           button=button, cancel=cancel, keep=keep, page_title=question)


@blp.post("/sessions/<session_id>/ship")
@login_required(CARDS_STAFF)
def ship(session_id: str):
    status = request.form.get("status", "paid")
    back = url_for("backoffice.sessions", status=status)
    if request.form.get("confirmed") != "1":
        found = cards.get_session(api(), session_id)
        return _confirmation_page(
            _("Marquer cette demande expédiée ?"),
            ngettext("Les cartes de %(organization)s (%(num)s participant) seront marquées expédiées et le "
                     "formateur en sera avisé par courriel.",
                     "Les cartes de %(organization)s (%(num)s participants) seront marquées expédiées et le "
                     "formateur en sera avisé par courriel.", found.get("participant_count", 0),
                     organization=found.get("organization_name", "")),
            url_for("backoffice.ship", session_id=session_id), _("Marquer expédiée"), back,
            {"status": status})
    try:
        cards.ship_session(api(), session_id)
        flash(_("Cartes marquées expédiées."), "success")
    except ApiError as error:
        flash(error.message, "error")
    return redirect(back)


# Payments by cheque and deposit (C10) -----------------------------------------------------------

@blp.route("/payments", methods=["GET", "POST"])
@login_required(CARDS_STAFF)
def payments():
    form = FormState(values={"method": "cheque"})
    if request.method == "POST":
        form.values = trimmed(request.form, "invoice_number", "method", "amount", "reference", "received_on")
        # "6,00", "6.00", "6 000,50", "6,00 $": the amount as staff type it, sent to billing as "6.00"
        amount = formatting.parse_money(form.value("amount")) if form.value("amount") else None
        if form.value("amount") and amount is None:
            form.add_error("amount", _("Montant invalide : écrivez-le comme 6,00 ou 6.00."))
        found = _invoice_numbered(form.value("invoice_number"))
        if not found:
            form.add_error("invoice_number", _("Aucune facture ne porte ce numéro."))
        if not form.errors:
            try:
                billing.record_payment(api(), found[0]["id"], form.value("method"),
                                       f"{amount:.2f}" if amount is not None else "",
                                       form.value("reference"), form.value("received_on") or None)
                flash(_("Paiement enregistré sur la facture %(number)s.", number=found[0]["number"]), "success")
                return redirect(url_for("backoffice.payments"))
            except ApiError as error:
                form.take(error)
    open_invoices = billing.list_invoices(api(), status="open", limit=100)
    recent = billing.list_payments(api(), limit=30)
    return render_template("backoffice/payments.html", form=form, open_invoices=open_invoices, recent=recent,
                           page_title=_("Paiements")), 422 if form.errors else 200


def _invoice_numbered(number: str) -> list[dict]:
    """The invoice that bears this number, if any: a number billing cannot even read matches none."""
    if not number:
        return []
    try:
        return billing.list_invoices(api(), number=number, limit=1).get("items", [])
    except ApiError as error:
        if error.status in (400, 422):
            return []
        raise


# Participant search (C13) -----------------------------------------------------------------------

@blp.get("/participants")
@login_required(CARDS_STAFF)
def participants():
    last_name = (request.args.get("last_name") or "").strip()[:100]
    birth_date = (request.args.get("birth_date") or "").strip()[:10]
    reissued = (request.args.get("reissued") or "").strip()[:40]
    found, form = None, FormState(values={"last_name": last_name, "birth_date": birth_date})
    if last_name or birth_date:
        try:
            found = cards.search_participants(api(), last_name, birth_date)
        except ApiError as error:
            form.take(error)
    titles = cards.reference(api()).get("titles", []) if found and found.get("items") else []
    # the reissued code comes back in the address: say so only when the search does show it
    if reissued not in {a.get("code") for p in (found or {}).get("items", []) for a in p.get("attestations") or []}:
        reissued = ""
    return render_template("backoffice/participants.html", form=form, found=found, titles=titles, reissued=reissued,
                           page_title=_("Recherche de participants"))


@blp.get("/attestations/<code>/pdf")
@login_required(CARDS_STAFF)
def attestation_pdf(code: str):
    """The card as PDF, fetched from the cards service with the staff member's own token."""
    return pdf_response(cards.attestation_pdf(api(), code), f"attestation-{code}.pdf")


@blp.post("/attestations/<code>/reissue")
@login_required(CARDS_STAFF)
def reissue(code: str):
    search = {k: v for k, v in trimmed(request.form, "last_name", "birth_date").items() if v}
    if request.form.get("confirmed") != "1":
        return _confirmation_page(
            _("Réémettre l'attestation %(code)s ?", code=code),
            _("Une nouvelle carte sera émise avec un nouveau code ; celui-ci sera révoqué et ne pourra plus "
              "être vérifié."),
            url_for("backoffice.reissue", code=code), _("Réémettre"),
            url_for("backoffice.participants", **search), search)
    try:
        new = cards.reissue_attestation(api(), code)
    except ApiError as error:
        flash(error.message, "error")
        return redirect(url_for("backoffice.participants", **search))
    return redirect(url_for("backoffice.participants", reissued=new.get("code", ""), **search))


# AQPM: production houses and delegates (P4) -----------------------------------------------------

@blp.route("/houses", methods=["GET", "POST"])
@login_required(PRODUCTIONS_STAFF)
def productions_home():
    form = FormState(values={"status": "active"}, fields=("name", "status", "user_id"))
    if request.method == "POST":
        form.values = trimmed(request.form, "name", "status", "user_id", "user_id_query")
        delegate = form.value("user_id")
        if form.value("user_id_query") and not delegate:
            # a name typed but no person picked in the list: never create the house without its delegate
            form.add_error("user_id", _("Choisissez une personne dans la liste."))
        else:
            body = {"name": form.value("name"), "status": form.value("status") or "active",
                    "delegate_ids": [delegate] if delegate else []}
            try:
                created = productions.create_house(api(), body)
                return done(_("Maison de production créée."),
                            "portal_productions.house", house_id=created["id"])
            except ApiError as error:
                form.take(error, rename={"delegate_ids": "user_id", "delegate_ids.0": "user_id"})
    page = productions.list_houses(api(), limit=200, q=request.args.get("q"))
    return render_template("backoffice/houses.html", page=page, form=form,
                           page_title=_("Maisons de production")), 422 if form.errors else 200


@blp.post("/houses/<house_id>/delegates")
@login_required(PRODUCTIONS_STAFF)
def add_delegate(house_id: str):
    from services.web.portal_productions.houses import house_page
    from services.web.portal_productions.users import picker_form

    user_id = (request.form.get("delegate") or "").strip()
    delegate_form = picker_form("delegate")
    if not user_id:
        delegate_form.add_error("delegate", _("Choisissez une personne dans la liste."))
    else:
        try:
            productions.add_admin(api(), house_id, user_id, delegate=True)
            return done(_("Délégué ajouté."), "portal_productions.house", house_id=house_id)
        except ApiError as error:
            delegate_form.take(error, rename={"user_id": "delegate"})
    return house_page(house_id, delegate_form=delegate_form, status=422)
