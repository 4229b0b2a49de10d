"""Money: ``Decimal`` rounded to the cent half up (0.125 -> 0.13), one rule for every service; never a float.
Shown to people by ``chassis.i18n.format_money`` ("1 234,50 $" / "$1,234.50")."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
CURRENCY = "CAD"


def to_money(value) -> Decimal:
    """``value`` (a Decimal, an int or a numeric string) to the cent, half up."""
    if isinstance(value, float):
        raise TypeError("money is never a float")
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def money_text(value) -> str:
    """"2.00": how amounts travel in the contract and in events."""
    return f"{to_money(value):.2f}"

