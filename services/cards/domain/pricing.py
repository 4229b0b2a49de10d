"""What a request costs (C8, C9): $2.00 a card; credit card from the minimum set by ``CARDS_CARD_MINIMUM``."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from chassis.i18n import _, format_money
from chassis.money import CURRENCY, money_text, to_money

UNIT_PRICE = Decimal("2.00")
PAYMENT_METHODS = ("credit_card", "cheque", "direct_deposit")
BILLED_TO = ("individual", "organization")


@dataclass(frozen=True)
class Quote:
    participant_count: int
    unit_price: Decimal
    total: Decimal
    currency: str
    card_minimum: Decimal

    @property
    def credit_card_allowed(self) -> bool:
        return self.total >= self.card_minimum

    def to_dict(self) -> dict:
        return {"participant_count": self.participant_count, "unit_price": money_text(self.unit_price),
                "total": money_text(self.total), "currency": self.currency,
                "credit_card_allowed": self.credit_card_allowed, "card_minimum": money_text(self.card_minimum)}


def quote(participant_count: int, unit_price: Decimal, card_minimum: Decimal) -> Quote:
    return Quote(participant_count, unit_price, to_money(unit_price * participant_count), CURRENCY, card_minimum)


def card_minimum_message(card_minimum: Decimal) -> str:
    return _("La carte de crédit est acceptée à partir de %(minimum)s.", minimum=format_money(card_minimum))
