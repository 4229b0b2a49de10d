"""Card numbers: Luhn, brand, expiry. ``CardDetails`` never shows its number or CVC in a repr."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

_NON_DIGITS = re.compile(r"[\s-]")


def normalize_number(raw: str) -> str:
    return _NON_DIGITS.sub("", raw or "")


def luhn_valid(number: str) -> bool:
    if not number.isdigit() or not 12 <= len(number) <= 19:
        return False
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def card_brand(number: str) -> str:
    if number.startswith("4"):
        return "visa"
    if number[:2] in {"34", "37"}:
        return "amex"
    if number[:2] in {"51", "52", "53", "54", "55"} or (len(number) >= 4 and 2221 <= int(number[:4]) <= 2720):
        return "mastercard"
    if number.startswith("6011") or number.startswith("65"):
        return "discover"
    return "unknown"


def is_expired(exp_month: int, exp_year: int, today: date) -> bool:
    """A card is good through the last day of its expiry month."""
    return (exp_year, exp_month) < (today.year, today.month)


@dataclass(frozen=True)
class CardDetails:
    """Card data for one call only; ``repr`` and ``str`` show the brand and last 4, nothing more."""
    number: str = field(repr=False)
    exp_month: int
    exp_year: int
    cvc: str = field(repr=False)
    holder: str = ""

    @property
    def last4(self) -> str:
        return self.number[-4:]

    @property
    def brand(self) -> str:
        return card_brand(self.number)

    def __str__(self) -> str:
        return f"{self.brand} •••• {self.last4}"
