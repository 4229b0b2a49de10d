"""Attestations: the printable cards of a paid request (its trainer) and the public check of a code (X3)."""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for

from chassis.i18n import _
from services.web.clients import cards
from services.web.clients.gateway import ApiError
from services.web.pdf_response import pdf_response
from services.web.portal_cards.blueprint import TRAINER, blp
from services.web.web_session import api, login_required


@blp.get("/sessions/<session_id>/attestations.pdf")
@login_required(*TRAINER)
def attestations_pdf(session_id: str):
    """The printable sheet of a paid request's valid cards, from the cards API with the trainer's token."""
    return pdf_response(cards.session_attestations_pdf(api(), session_id), f"attestations-{session_id}.pdf")


@blp.get("/attestations/<code>/pdf")
@login_required(*TRAINER)
def attestation_pdf(code: str):
    """One participant's card as PDF (the request's trainer or staff)."""
    return pdf_response(cards.attestation_pdf(api(), code), f"{code}.pdf")


@blp.get("/attestations")
def verify_attestation_form():
    code = (request.args.get("code") or "").strip()
    if code:
        return redirect(url_for("portal_cards.verify_attestation", code=code))
    return render_template("cards/attestation.html", code="", result=None, not_found=False,
                           page_title=_("Vérification d'une attestation"))


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
                           page_title=_("Vérification d'une attestation")), \
        404 if not_found else 200
