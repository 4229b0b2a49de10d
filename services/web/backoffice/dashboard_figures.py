"""The staff dashboards' figures (issue 23): the APIs' numbers turned into charts, each with its title, a sentence
that sums it up (the chart's text alternative, shown under it) and its numbers as a table.

Nothing here computes a figure: the services count, this module only words and draws what they answered.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from markupsafe import Markup

from chassis.i18n import N_, _, format_date, format_money, format_number, ngettext
from services.web import charts
from services.web.formatting import label_of, method_label, status_label

AGE_LABELS = {"0-30": N_("0 à 30 jours"), "31-60": N_("31 à 60 jours"), "61-90": N_("61 à 90 jours"),
              "over_90": N_("Plus de 90 jours")}


@dataclass
class Figure:
    key: str                      # the prefix of its ids (chart title, summary)
    title: str
    summary: str
    svg: Markup
    columns: list[str]            # the table's column headers, the first one over the row headers
    rows: list[tuple[str, list[str]]]
    footer: tuple[str, list[str]] | None = None
    as_of: str = ""               # a figure of today rather than of the period says so in its caption


@dataclass
class Fact:
    term: str
    value: str


@dataclass
class Section:
    title: str
    figures: list[Figure] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)


def _month(label: str, form: str = "MMMM yyyy") -> str:
    year, month = label.split("-")
    return format_date(date(int(year), int(month), 1), form=form)


def period_text(period: dict) -> str:
    """``de janvier 2025 à mars 2025``, or ``en mars 2025`` for one month."""
    first, last = _month(period["from"]), _month(period["to"])
    return _("en %(month)s", month=first) if first == last else _("de %(first)s à %(last)s", first=first, last=last)


def _count(value) -> str:
    return format_number(value)


def _money(value) -> str:
    return format_money(Decimal(str(value)))


def _money_tick(value) -> str:
    return format_number(Decimal(value).quantize(Decimal(1)))


def _peak(rows: list[dict], key: str) -> dict | None:
    """The first row with the largest ``key``, if any is above zero."""
    best = max(rows, key=lambda row: Decimal(str(row[key])), default=None)
    return best if best is not None and Decimal(str(best[key])) > 0 else None


def _by_month(key: str, title: str, months: list[dict], value: str, column: str,
              sentence: Callable[[int], str], peak_sentence: Callable[[int, str], str]) -> Figure:
    """A count by month; ``sentence(total)`` sums it up and ``peak_sentence(count, month)`` names its busiest month."""
    values = [row[value] for row in months]
    total = sum(values)
    peak = _peak(months, value)
    summary = sentence(total) + (" " + peak_sentence(peak[value], _month(peak["month"])) if peak else "")
    return Figure(key, title, summary,
                  charts.columns(key, title, [_month(row["month"], "MMM yy") for row in months], values, _count),
                  [_("Mois"), column], [(_month(row["month"]), [_count(row[value])]) for row in months],
                  footer=(_("Total"), [_count(total)]))


# ASSTSAS: card requests and billing ----------------------------------------------------------------

def cards_sections(figures: dict, billing: dict) -> list[Section]:
    return [_requests_section(figures), _billing_section(billing)]


def _requests_section(figures: dict) -> Section:
    period, months = figures["period"], figures["by_month"]
    when = period_text(period)
    requests = _by_month(
        "requests-by-month", _("Demandes soumises par mois"), months, "requests", _("Demandes"),
        lambda n: ngettext("%(num)s demande soumise %(when)s.", "%(num)s demandes soumises %(when)s.", n, when=when),
        lambda n, month: ngettext("Le plus en %(month)s : %(num)s demande.", "Le plus en %(month)s : %(num)s demandes.",
                                  n, month=month))
    cards = _by_month(
        "cards-by-month", _("Cartes demandées par mois"), months, "cards", _("Cartes"),
        lambda n: ngettext("%(num)s carte demandée %(when)s.", "%(num)s cartes demandées %(when)s.", n, when=when),
        lambda n, month: ngettext("Le plus en %(month)s : %(num)s carte.", "Le plus en %(month)s : %(num)s cartes.",
                                  n, month=month))
    section = Section(_("Demandes de cartes"), [requests, cards, _activities(figures), _statuses(figures)])
    shipment = figures["shipment"]
    if shipment["median_days"] is None:
        delay = _("Aucune demande de la période n'est encore expédiée.")
    else:
        days = Decimal(str(shipment["median_days"]))
        delay = " ".join((ngettext("%(num)s jour", "%(num)s jours", int(days), num=format_number(days)),
                          ngettext("(sur %(num)s demande expédiée)", "(sur %(num)s demandes expédiées)",
                                   shipment["shipped"])))
    section.facts.append(Fact(_("Délai médian de la soumission à l'expédition"), delay))
    return section


def _activities(figures: dict) -> Figure:
    rows = figures["by_activity"]
    title = _("Demandes par activité de formation")
    labels = [label_of(row) for row in rows]
    if rows:
        summary = " ".join((
            ngettext("%(num)s activité dans la période.", "%(num)s activités dans la période.", len(rows)),
            ngettext("La plus demandée : %(label)s, avec %(num)s demande.",
                     "La plus demandée : %(label)s, avec %(num)s demandes.", rows[0]["requests"], label=labels[0])))
    else:
        summary = _("Aucune demande soumise dans la période.")
    return Figure("by-activity", title, summary,
                  charts.bars("by-activity", title, labels, [row["requests"] for row in rows], _count),
                  [_("Activité"), _("Demandes"), _("Cartes")],
                  [(label, [_count(row["requests"]), _count(row["cards"])]) for label, row in zip(labels, rows,
                                                                                                  strict=True)])


def _statuses(figures: dict) -> Figure:
    rows = figures["by_status"]
    title = _("Demandes par statut actuel")
    peak = _peak(rows, "requests")
    summary = (_("Le statut le plus fréquent des demandes soumises dans la période : « %(status)s » (%(num)s).",
                 status=peak.get("label") or status_label(peak["status"]), num=_count(peak["requests"])) if peak
               else _("Aucune demande soumise dans la période."))
    labels = [row.get("label") or status_label(row["status"]) for row in rows]  # cards' own words for its statuses
    return Figure("by-status", title, summary,
                  charts.bars("by-status", title, labels, [row["requests"] for row in rows], _count),
                  [_("Statut"), _("Demandes")],
                  [(label, [_count(row["requests"])]) for label, row in zip(labels, rows, strict=True)])


def _billing_section(billing: dict) -> Section:
    return Section(_("Facturation"), [_open_balance(billing["open_balance"]), _payments(billing)])


def _open_balance(balance: dict) -> Figure:
    ages = balance["by_age"]
    title = _("Solde ouvert selon l'âge des factures")
    over_90 = next((age for age in ages if age["age"] == "over_90"), {"balance": "0"})
    summary = ngettext("Au %(date)s, %(balance)s restent à payer sur %(num)s facture, dont %(old)s depuis plus de "
                       "90 jours.", "Au %(date)s, %(balance)s restent à payer sur %(num)s factures, dont %(old)s "
                       "depuis plus de 90 jours.", balance["invoices"], date=format_date(balance["as_of"]),
                       balance=_money(balance["balance"]), old=_money(over_90["balance"]))
    labels = [_(AGE_LABELS.get(age["age"], age["age"])) for age in ages]
    return Figure("open-balance", title, summary,
                  charts.bars("open-balance", title, labels, [Decimal(age["balance"]) for age in ages], _money_tick),
                  [_("Âge de la facture"), _("Factures"), _("Solde")],
                  [(label, [_count(age["invoices"]), _money(age["balance"])])
                   for label, age in zip(labels, ages, strict=True)],
                  footer=(_("Total"), [_count(balance["invoices"]), _money(balance["balance"])]),
                  as_of=_("au %(date)s", date=format_date(balance["as_of"])))


def _payments(billing: dict) -> Figure:
    months, by_method = billing["payments"]["by_month"], billing["payments"]["by_method"]
    title = _("Paiements reçus par mode et par mois")
    methods = [method["method"] for method in by_method]
    total = sum((Decimal(m["amount"]) for m in by_method), Decimal(0))
    count = sum(m["payments"] for m in by_method)
    parts = ", ".join(f"{method_label(m['method'])} {_money(m['amount'])}" for m in by_method)
    summary = ngettext("%(amount)s reçus %(when)s en %(num)s paiement : %(parts)s.",
                       "%(amount)s reçus %(when)s en %(num)s paiements : %(parts)s.", count,
                       amount=_money(total), when=period_text(billing["period"]), parts=parts)
    series = [(method_label(method), [Decimal(month["methods"][index]["amount"]) for month in months])
              for index, method in enumerate(methods)]
    return Figure("payments", title, summary,
                  charts.column_panels("payments", title, [_month(m["month"], "MMM yy") for m in months], series,
                                       _money_tick),
                  [_("Mois"), *[method_label(method) for method in methods], _("Total")],
                  [(_month(month["month"]), [*[_money(m["amount"]) for m in month["methods"]], _money(month["amount"])])
                   for month in months],
                  footer=(_("Total"), [*[_money(m["amount"]) for m in by_method], _money(total)]))


# AQPM: sheets, hand-offs to SET, houses -----------------------------------------------------------

def productions_sections(figures: dict) -> list[Section]:
    period, months = figures["period"], figures["by_month"]
    when = period_text(period)
    sheets = _by_month(
        "sheets-by-month", _("Fiches de production créées par mois"), months, "sheets", _("Fiches"),
        lambda n: ngettext("%(num)s fiche créée %(when)s.", "%(num)s fiches créées %(when)s.", n, when=when),
        lambda n, month: ngettext("Le plus en %(month)s : %(num)s fiche.", "Le plus en %(month)s : %(num)s fiches.",
                                  n, month=month))
    handoffs = _by_month(
        "handoffs-by-month", _("Passages au SET par mois"), months, "handoffs", _("Passages au SET"),
        lambda n: ngettext("%(num)s passage au SET %(when)s.", "%(num)s passages au SET %(when)s.", n, when=when),
        lambda n, month: ngettext("Le plus en %(month)s : %(num)s passage.", "Le plus en %(month)s : %(num)s passages.",
                                  n, month=month))
    active = _by_month(
        "houses-by-month", _("Maisons actives par mois"), months, "active_houses", _("Maisons actives"),
        lambda n: ngettext("%(num)s maison active %(when)s (une fiche créée ou un passage au SET).",
                           "%(num)s maisons actives %(when)s (une fiche créée ou un passage au SET).",
                           figures["totals"]["active_houses"], when=when),
        lambda n, month: ngettext("Le plus en %(month)s : %(num)s maison.", "Le plus en %(month)s : %(num)s maisons.",
                                  n, month=month))
    active.footer = None  # a house active in two months is one house: the period's count is in the summary
    houses = figures["houses"]
    section = Section(_("Production"), [sheets, handoffs, active])
    section.facts = [Fact(_("Maisons de production au statut actif aujourd'hui"), _count(houses["active"])),
                     Fact(_("Maisons de production au statut inactif aujourd'hui"), _count(houses["inactive"]))]
    return [section]
