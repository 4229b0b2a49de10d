"""Money is Decimal with two places, rounded half up; never a float."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
CURRENCY = "CAD"


def to_money(value) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money is never a float")
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def money_text(value: Decimal) -> str:
    """"2.00": the wire format of the contract."""
    return f"{to_money(value):.2f}"


def money_display(value: Decimal, language: str = "fr") -> str:
    """"1 234,50 $" in French, "$1,234.50" in English."""
    amount = to_money(value)
    if language == "en":
        return f"${amount:,.2f}"
    whole, _, cents = f"{amount:,.2f}".partition(".")
    return f"{whole.replace(',', ' ')},{cents} $"
