"""The sandbox provider: no network, the well-known test numbers give their outcome.

| number | outcome |
|---|---|
| 4242 4242 4242 4242 | approved |
| 4000 0000 0000 0002 | generic_decline |
| 4000 0000 0000 9995 | insufficient_funds |
| 4000 0000 0000 0069 | expired_card |
| 4000 0000 0000 0127 | incorrect_cvc |
| 4000 0000 0000 0119 | processing_error |

Any other number that passes Luhn, with a future expiry and a 3-4 digit CVC, is approved.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from services.billing.domain.cards import CardDetails, is_expired, luhn_valid
from services.billing.domain.payments.provider import ChargeResult

TEST_OUTCOMES = {
    "4000000000000002": "generic_decline",
    "4000000000009995": "insufficient_funds",
    "4000000000000069": "expired_card",
    "4000000000000127": "incorrect_cvc",
    "4000000000000119": "processing_error",
}


class SandboxProvider:
    name = "sandbox"

    def __init__(self, today: Callable[[], date] | None = None):
        self._today = today or _montreal_today

    def charge(self, card: CardDetails, amount: Decimal, currency: str, description: str,
               idempotency_key: str) -> ChargeResult:
        if not luhn_valid(card.number):
            return ChargeResult(approved=False, decline_code="generic_decline")
        if is_expired(card.exp_month, card.exp_year, self._today()):
            return ChargeResult(approved=False, decline_code="expired_card")
        if not (card.cvc.isdigit() and len(card.cvc) in (3, 4)):
            return ChargeResult(approved=False, decline_code="incorrect_cvc")
        outcome = TEST_OUTCOMES.get(card.number)
        if outcome:
            return ChargeResult(approved=False, decline_code=outcome)
        return ChargeResult(approved=True, charge_id=f"ch_sandbox_{uuid.uuid4().hex[:24]}")


def _montreal_today() -> date:
    return datetime.now(ZoneInfo("America/Montreal")).date()
