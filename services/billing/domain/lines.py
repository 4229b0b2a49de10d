"""What an invoice charges for a submitted session: cards x unit price (C8)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from chassis.i18n import Catalogue, _, format_date, speaking
from chassis.money import to_money


@dataclass(frozen=True)
class Line:
    description: str
    quantity: int
    unit_price: Decimal
    amount: Decimal


class TotalMismatch(ValueError):
    """The producer's total disagrees with quantity x unit price: never invoice a wrong amount."""


def card_lines(participant_count: int, unit_price: Decimal, activity_label: str, end_date: str,
               organization_name: str, language: str = "fr") -> list[Line]:
    """The lines, described in the invoice's language (they are kept as written, like the invoice)."""
    price = to_money(unit_price)
    with speaking(language, Catalogue.of_service("billing")):
        description = _("Cartes de formation — %(activity)s, %(organization)s (%(date)s)",
                        activity=activity_label, organization=organization_name, date=format_date(end_date))
    return [Line(description=description[:500], quantity=participant_count, unit_price=price,
                 amount=to_money(price * participant_count))]


def checked_total(lines: list[Line], announced_total: Decimal) -> Decimal:
    total = to_money(sum((line.amount for line in lines), Decimal("0")))
    if total != to_money(announced_total):
        raise TotalMismatch(f"lines add up to {total}, the event says {announced_total}")
    return total
