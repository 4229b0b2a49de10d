"""The staff dashboards (issue 23): ASSTSAS (card requests and billing) at ``/staff/dashboard``, AQPM (sheets,
hand-offs to SET, houses) at ``/staff/productions/dashboard``, over a period picked as two months (a GET form).

The period is checked by the services: their field errors (``from``, ``to``) show beside the picker. The charts
module (and leather behind it) is imported here, when a dashboard is drawn, not when the web app starts.

The ASSTSAS dashboard links the accountant's CSV exports of the period shown (requests from cards, invoices and
payments from billing): the web asks the service with the staff's own token and hands the file on as it came.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import abort, render_template, request, url_for

from chassis.i18n import N_, _
from services.web.backoffice.views import blp
from services.web.clients import billing, cards, productions
from services.web.clients.gateway import ApiError
from services.web.forms import FormState, trimmed
from services.web.pdf_response import file_response
from services.web.web_session import CARDS_STAFF, PRODUCTIONS_STAFF, api, login_required

TEMPLATE = "backoffice/dashboard.html"
# The accountant's exports: name -> the service that makes it (``GET /exports/<name>.csv`` there), the link's words.
EXPORTS = {"requests": ("cards", N_("Demandes (CSV)")), "invoices": ("billing", N_("Factures (CSV)")),
           "payments": ("billing", N_("Paiements (CSV)"))}


def _dashboard(title: str, fetch: Callable[[dict], tuple[dict, ...]], sections: Callable[..., list],
               exports: bool = False):
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
                           sections=sections(*figures), exports=_export_links(covered) if exports else [])


def _export_links(period: dict) -> list[tuple[str, str, str]]:
    """(name, words, address) of each export, for the months the page shows."""
    return [(name, _(words), url_for("backoffice.dashboard_export", name=name, **{"from": period["from"],
                                                                                   "to": period["to"]}))
            for name, (_service, words) in EXPORTS.items()]


@blp.get("/dashboard")
@login_required(CARDS_STAFF)
def dashboard():
    from services.web.backoffice.dashboard_figures import cards_sections

    def fetch(period: dict) -> tuple[dict, dict]:
        card_figures = cards.stats(api(), period)
        return card_figures, billing.stats(api(), card_figures["period"])  # the months cards answered for
    return _dashboard(_("Tableau de bord"), fetch, cards_sections, exports=True)


@blp.get("/dashboard/<name>.csv")
@login_required(CARDS_STAFF)
def dashboard_export(name: str):
    """The CSV as the service wrote it (its name, its BOM, its headers in the person's language)."""
    if name not in EXPORTS:
        abort(404)
    period = {key: value[:20] for key, value in request.args.items() if key in ("from", "to") and value}
    upstream = api().get(EXPORTS[name][0], f"/exports/{name}.csv", params=period, raw=True)
    return file_response(upstream, "text/csv", f'attachment; filename="{name}.csv"')


@blp.get("/productions/dashboard")
@login_required(PRODUCTIONS_STAFF)
def productions_dashboard():
    from services.web.backoffice.dashboard_figures import productions_sections

    return _dashboard(_("Tableau de bord AQPM"), lambda period: (productions.stats(api(), period),),
                      productions_sections)
