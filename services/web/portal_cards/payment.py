"""The payment tab of a request: method, billed to, and the card when paying by card (C8, C9)."""
from __future__ import annotations

import time

from flask import current_app, flash, redirect, render_template, request, url_for

from chassis.i18n import _
from services.web.clients import cards
from services.web.clients.gateway import ApiError
from services.web.forms import FormState, trimmed
from services.web.portal_cards.blueprint import TRAINER, blp
from services.web.portal_cards.card_form import CARD_FIELDS, ECHOED_FIELDS, card_from_form
from services.web.portal_cards.invoices import charge
from services.web.web_session import api, login_required


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
                    flash(_("Votre demande est soumise. La facture vous sera envoyée par courriel ; indiquez son "
                            "numéro sur votre paiement."), "success")
                    return redirect(url_for("portal_cards.session_sheet", session_id=session_id))
                return _pay_new_invoice(session_id, card)
        if form.errors and not form.message:
            form.message = _("Vérifiez les champs indiqués.")
    return render_template("cards/payment.html", session=session, quote=quote, form=form,
                           page_title=_("Paiement")), 422 if form.errors else 200


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
        flash(_("Votre demande est soumise ; la facture est en préparation. Vous pourrez la payer par carte "
                "dans l'onglet « Factures » dans un instant."), "info")
        return redirect(url_for("portal_cards.session_sheet", session_id=session_id))
    return charge(invoice_ref["id"], card)
