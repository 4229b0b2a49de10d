"""The trainer's invoices: the list, one invoice with its card payment form, its PDF (C10, X3)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from chassis.i18n import _
from services.web.clients import billing
from services.web.clients.gateway import ApiError
from services.web.forms import FormState, trimmed
from services.web.pdf_response import pdf_response
from services.web.portal_cards import payment_attempts
from services.web.portal_cards.blueprint import TRAINER, blp
from services.web.portal_cards.card_form import CARD_FIELDS, ECHOED_FIELDS, card_from_form
from services.web.web_session import api, login_required


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


def charge(invoice_id: str, card: dict):
    """Pays the invoice with ``card`` and says how it went on the invoice's page."""
    try:
        _pay(invoice_id, card)
    except ApiError as error:
        if error.code == "payment_declined":
            flash(_("Paiement refusé : %(reason)s", reason=error.message), "error")
        elif error.fields:
            # billing refused a field: show it beside the card fields, with what was typed (not the number/CVC)
            form = FormState(values=trimmed(request.form, *ECHOED_FIELDS), fields=CARD_FIELDS)
            return _invoice_page(invoice_id, form.take(error), 422)
        else:
            flash(error.message or _("Le paiement n'a pas pu être fait."), "error")
        return redirect(url_for("portal_cards.invoice", invoice_id=invoice_id))
    flash(_("Paiement accepté. Merci! Les cartes seront expédiées sous peu."), "success")
    return redirect(url_for("portal_cards.invoice", invoice_id=invoice_id))


@blp.get("/invoices")
@login_required(*TRAINER)
def invoices():
    page = billing.list_invoices(api(), limit=50)
    return render_template("cards/invoices.html", page=page, page_title=_("Factures"))


@blp.route("/invoices/<invoice_id>", methods=["GET", "POST"])
@login_required(*TRAINER)
def invoice(invoice_id: str):
    form = FormState(fields=CARD_FIELDS)
    if request.method == "POST":
        card, card_errors = card_from_form(request.form)
        form.values = trimmed(request.form, *ECHOED_FIELDS)
        if not card_errors:
            return charge(invoice_id, card)
        for name, message in card_errors.items():
            form.add_error(name, message)
    return _invoice_page(invoice_id, form, 422 if form.errors else 200)


def _invoice_page(invoice_id: str, form: FormState, status: int):
    data = billing.get_invoice(api(), invoice_id)
    return render_template("cards/invoice.html", invoice=data, form=form,
                           page_title=_("Facture")), status


@blp.get("/invoices/<invoice_id>/pdf")
@login_required(*TRAINER)
def invoice_pdf(invoice_id: str):
    return pdf_response(billing.invoice_pdf(api(), invoice_id), f"{invoice_id}.pdf", no_store=False)
