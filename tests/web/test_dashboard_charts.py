"""The dashboards' charts as the page's Content-Security-Policy needs them: inline SVG with no ``<style>``, no
``style=""`` and no script, named and described for screen readers; leather only loaded when a chart is drawn;
the figures worded and tabled from the services' answers, in the person's language."""
from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from chassis.config import REPO_ROOT
from services.web import charts
from services.web.backoffice.dashboard_figures import cards_sections, productions_sections

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = ["janv. 25", "févr. 25", "mars 25"]


def drawn() -> list[str]:
    def number(value):
        return str(value)
    return [charts.columns("a", "Demandes", MONTHS, [3, 0, 7], number),
            charts.bars("b", "Activités", ["PDSB — Principes pour le déplacement sécuritaire", "PDSB — Principes pour "
                                           "le déplacement à domicile", "SIMDUT"], [4, 2, 0], number),
            charts.column_panels("c", "Paiements", MONTHS, [("Carte", [Decimal("14.00"), 0, 0]),
                                                             ("Chèque", [0, Decimal("7.50"), 0])], number),
            charts.columns("d", "Rien", MONTHS[:1], [0], number)]


def test_every_chart_is_plain_svg_the_csp_lets_through_with_its_name_and_description():
    for svg in drawn():
        root = ET.fromstring(str(svg))
        assert root.tag == f"{SVG}svg" and root.get("role") == "img"
        key = root.get("aria-labelledby").removesuffix("-title")
        assert root.get("aria-describedby") == f"{key}-summary"
        assert root[0].tag == f"{SVG}title" and root[0].get("id") == f"{key}-title" and root[0].text
        elements = list(root.iter())
        assert not [e for e in elements if e.tag in (f"{SVG}style", f"{SVG}script", f"{SVG}foreignObject")]
        assert not [e for e in elements if "style" in e.attrib or any(a.startswith("on") for a in e.attrib)]
        assert any(e.tag == f"{SVG}rect" and e.get("fill") == charts.SERIES_COLOURS[0] for e in elements) \
            or key == "d"


def test_bars_keep_every_category_even_when_their_cut_labels_are_alike():
    root = ET.fromstring(str(drawn()[1]))
    labels = [t.text for t in root.iter(f"{SVG}text") if t.text and t.text.startswith("PDSB")]
    assert len(labels) == 2 and labels[0] != labels[1]


@pytest.mark.parametrize("largest, top, step", [(0, 1, 1), (1, 1, 1), (7, 8, 2), (9, 10, 5), (52, 60, 20),
                                                (Decimal("14.00"), 15, 5), (1234, 1500, 500)])
def test_the_value_axis_ends_on_a_round_number(largest, top, step):
    assert charts.nice_top(largest) == (Decimal(top), Decimal(step))


def test_the_web_app_at_rest_does_not_load_the_chart_library():
    code = ("import json, sys, services.web.wsgi\n"
            "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert "leather" not in set(json.loads(out.stdout.splitlines()[-1]))


CARDS = {"period": {"from": "2025-01", "to": "2025-02", "months": ["2025-01", "2025-02"]},
         "totals": {"requests": 3, "cards": 8},
         "by_month": [{"month": "2025-01", "requests": 1, "cards": 2}, {"month": "2025-02", "requests": 2, "cards": 6}],
         "by_activity": [{"code": "simdut", "label": "SIMDUT 2015", "label_en": "WHMIS 2015", "requests": 3,
                          "cards": 8}],
         "by_status": [{"status": "submitted", "label": "Submitted", "requests": 1},
                       {"status": "shipped", "label": "Shipped", "requests": 2}],
         "shipment": {"median_days": 4.5, "shipped": 2}}
BILLING = {"period": CARDS["period"],
           "open_balance": {"as_of": "2025-02-20", "invoices": 1, "balance": "1234.50",
                            "by_age": [{"age": "0-30", "min_days": 0, "max_days": 30, "invoices": 1,
                                        "balance": "1234.50"},
                                       {"age": "over_90", "min_days": 91, "max_days": None, "invoices": 0,
                                        "balance": "0.00"}]},
           "payments": {"by_month": [{"month": m, "payments": 0, "amount": "0.00",
                                      "methods": [{"method": "cheque", "payments": 0, "amount": "0.00"}]}
                                     for m in ("2025-01", "2025-02")],
                        "by_method": [{"method": "cheque", "payments": 0, "amount": "0.00"}]}}


def test_the_asstsas_figures_in_english(in_language):
    in_language("en")
    requests, billing = cards_sections(CARDS, BILLING)
    by_month, _cards, activity, statuses = requests.figures
    assert by_month.summary == "3 requests submitted from January 2025 to February 2025. Most in February 2025: " \
                               "2 requests."
    assert by_month.rows == [("January 2025", ["1"]), ("February 2025", ["2"])] and by_month.footer[1] == ["3"]
    assert activity.rows == [("WHMIS 2015", ["3", "8"])]
    assert [row[0] for row in statuses.rows] == ["Submitted", "Shipped"]  # the service's own words
    assert requests.facts[0].value == "4.5 days (over 2 shipped requests)"
    balance, payments = billing.figures
    assert balance.rows[0] == ("0 to 30 days", ["1", "$1,234.50"]) and balance.as_of == "on February 20, 2025"
    assert payments.summary == "$0.00 received from January 2025 to February 2025 in 0 payments: By cheque $0.00."


def test_the_aqpm_figures_in_french(in_language):
    in_language("fr")
    figures = {"period": {"from": "2025-03", "to": "2025-03", "months": ["2025-03"]},
               "totals": {"sheets": 1, "handoffs": 0, "active_houses": 1},
               "by_month": [{"month": "2025-03", "sheets": 1, "handoffs": 0, "active_houses": 1}],
               "houses": {"active": 4, "inactive": 1}}
    [section] = productions_sections(figures)
    sheets, handoffs, houses = section.figures
    assert sheets.summary == "1 fiche créée en mars 2025. Le plus en mars 2025 : 1 fiche."
    assert handoffs.summary == "0 passage au SET en mars 2025."
    assert houses.footer is None and [fact.value for fact in section.facts] == ["4", "1"]
