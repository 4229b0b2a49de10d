"""The staff dashboards (issue 23): ASSTSAS (card requests and billing) at ``/staff/dashboard``, AQPM (sheets,
hand-offs to SET, houses) at ``/staff/productions/dashboard``, over a period picked as two months (a GET form).

The period is checked by the services: their field errors (``from``, ``to``) show beside the picker. The charts
module (and leather behind it) is imported here, when a dashboard is drawn, not when the web app starts.
"""
from __future__ import annotations

from flask import render_template, request

from chassis.i18n import _
from services.web.backoffice.views import blp
from services.web.clients import billing, cards, productions
from services.web.clients.gateway import ApiError
from services.web.forms import FormState, trimmed
from services.web.web_session import CARDS_STAFF, PRODUCTIONS_STAFF, api, login_required


def _period_form() -> tuple[FormState, dict]:
    form = FormState(values=trimmed(request.args, "from", "to"), fields=("from", "to"))
    return form, {name: value[:20] for name, value in form.values.items() if value}


def _refused(form: FormState, error: ApiError, template: str, title: str):
    if error.status != 422:
        raise error
    form.take(error)
    return render_template(template, form=form, sections=[], period=None, page_title=title), 422


@blp.get("/dashboard")
@login_required(CARDS_STAFF)
def dashboard():
    from services.web.backoffice.dashboard_figures import cards_sections, period_text

    title = _("Tableau de bord")
    form, period = _period_form()
    try:
        card_figures = cards.stats(api(), period)
        billing_figures = billing.stats(api(), card_figures["period"])
    except ApiError as error:
        return _refused(form, error, "backoffice/dashboard.html", title)
    form.values = {"from": card_figures["period"]["from"], "to": card_figures["period"]["to"]}
    return render_template("backoffice/dashboard.html", form=form, page_title=title,
                           period=period_text(card_figures["period"]),
                           sections=cards_sections(card_figures, billing_figures))


@blp.get("/productions/dashboard")
@login_required(PRODUCTIONS_STAFF)
def productions_dashboard():
    from services.web.backoffice.dashboard_figures import period_text, productions_sections

    title = _("Tableau de bord AQPM")
    form, period = _period_form()
    try:
        figures = productions.stats(api(), period)
    except ApiError as error:
        return _refused(form, error, "backoffice/dashboard.html", title)
    form.values = {"from": figures["period"]["from"], "to": figures["period"]["to"]}
    return render_template("backoffice/dashboard.html", form=form, page_title=title,
                           period=period_text(figures["period"]), sections=productions_sections(figures))
