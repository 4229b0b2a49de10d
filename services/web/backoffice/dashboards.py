"""The staff dashboards (issue 23): ASSTSAS (card requests and billing) at ``/staff/dashboard``, AQPM (sheets,
hand-offs to SET, houses) at ``/staff/productions/dashboard``, over a period picked as two months (a GET form).

The period is checked by the services: their field errors (``from``, ``to``) show beside the picker. The charts
module (and leather behind it) is imported here, when a dashboard is drawn, not when the web app starts.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import render_template, request

from chassis.i18n import _
from services.web.backoffice.views import blp
from services.web.clients import billing, cards, productions
from services.web.clients.gateway import ApiError
from services.web.forms import FormState, trimmed
from services.web.web_session import CARDS_STAFF, PRODUCTIONS_STAFF, api, login_required

TEMPLATE = "backoffice/dashboard.html"


def _dashboard(title: str, fetch: Callable[[dict], tuple[dict, ...]], sections: Callable[..., list]):
    """The page: the period picker, then ``sections(*figures)`` of the figures ``fetch`` got for the period asked
    (the first one's ``period`` is the one they cover: the services fill in a missing month); a 422 of theirs puts
    its field errors beside the picker."""
    form = FormState(values=trimmed(request.args, "from", "to"), fields=("from", "to"))
    asked = {name: value[:20] for name, value in form.values.items() if value}
    try:
        figures = fetch(asked)
    except ApiError as error:
        if error.status != 422:
            raise
        form.take(error)
        return render_template(TEMPLATE, form=form, sections=[], period=None, page_title=title), 422
    from services.web.backoffice.dashboard_figures import period_text

    covered = figures[0]["period"]
    form.values = {"from": covered["from"], "to": covered["to"]}
    return render_template(TEMPLATE, form=form, page_title=title, period=period_text(covered),
                           sections=sections(*figures))


@blp.get("/dashboard")
@login_required(CARDS_STAFF)
def dashboard():
    from services.web.backoffice.dashboard_figures import cards_sections

    def fetch(period: dict) -> tuple[dict, dict]:
        card_figures = cards.stats(api(), period)
        return card_figures, billing.stats(api(), card_figures["period"])  # the months cards answered for
    return _dashboard(_("Tableau de bord"), fetch, cards_sections)


@blp.get("/productions/dashboard")
@login_required(PRODUCTIONS_STAFF)
def productions_dashboard():
    from services.web.backoffice.dashboard_figures import productions_sections

    return _dashboard(_("Tableau de bord AQPM"), lambda period: (productions.stats(api(), period),),
                      productions_sections)
