"""What a request costs (C8, C9): $2.00 a card, credit card from $5.00."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

UNIT_PRICE = Decimal("2.00")
CREDIT_CARD_MINIMUM = Decimal("5.00")
CURRENCY = "CAD"
PAYMENT_METHODS = ("credit_card", "cheque", "direct_deposit")
BILLED_TO = ("individual", "organization")


@dataclass(frozen=True)
class Quote:
    participant_count: int
    unit_price: Decimal
    total: Decimal
    currency: str
    credit_card_allowed: bool

    def to_dict(self) -> dict:
        return {"participant_count": self.participant_count, "unit_price": money(self.unit_price),
                "total": money(self.total), "currency": self.currency,
                "credit_card_allowed": self.credit_card_allowed}


def money(amount: Decimal) -> str:
    return str(amount.quantize(Decimal("0.01")))


def quote(participant_count: int, unit_price: Decimal = UNIT_PRICE) -> Quote:
    total = (unit_price * participant_count).quantize(Decimal("0.01"))
    return Quote(participant_count, unit_price, total, CURRENCY, total >= CREDIT_CARD_MINIMUM)
