"""The two links of an email change (``operations/email_changes.py``), followed from the emails
through a page of the person's portal, logged in or not: no token needed, the link's own single-use
token is the proof. Tokens travel in the body, never in a URL that access logs would keep."""
from flask_smorest import Blueprint

from chassis.i18n import N_, _
from services.auth.api.context import auth_context, client_address
from services.auth.api.schemas import EmailChangeCancelledSchema, EmailConfirmedSchema, LinkTokenSchema
from services.auth.operations import email_changes

blp = Blueprint("email_change", __name__,
                description="Confirming or cancelling an email change")

CONFIRMED = N_("Votre nouvelle adresse courriel est confirmée : c'est votre identifiant désormais.")
CANCELLED = N_("Le changement d'adresse est annulé, toutes les sessions sont fermées et votre mot de passe ne "
               "fonctionne plus : un mot de passe temporaire vient d'être envoyé à votre adresse.")


@blp.route("/email-change/confirm", methods=["POST"])
@blp.arguments(LinkTokenSchema)
@blp.response(200, EmailConfirmedSchema)
@blp.alt_response(404, description="Link unknown, used, replaced or expired")
@blp.alt_response(409, description="The address was taken meanwhile")
def confirm_email_change(body):
    """Confirm a new email address with the token of the link sent to it (valid 24 h, once): it
    becomes the account's email and login."""
    user = email_changes.confirm(auth_context(), body["token"], client_address())
    return {"email": user.email, "message": _(CONFIRMED)}


@blp.route("/email-change/cancel", methods=["POST"])
@blp.arguments(LinkTokenSchema)
@blp.response(200, EmailChangeCancelledSchema)
@blp.alt_response(404, description="Link unknown, used or expired")
def cancel_email_change(body):
    """"This was not me": the token of the link sent to the old address (valid 7 days, once). Cancels
    the change (or undoes it), ends every session, revokes the password and emails a temporary one
    to the old address."""
    email_changes.cancel(auth_context(), body["token"], client_address())
    return {"message": _(CANCELLED)}
