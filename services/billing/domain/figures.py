"""The staff figures of billing (issue 23), from the rows the database has already summed.

Open balances by age: how long ago the invoice was issued, in Montréal days (0-30, 31-60, 61-90, over 90).
Payments by method and by month of receipt, every month and every method present (zero when none).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from chassis.money import ZERO, to_money

METHODS = ("credit_card", "cheque", "direct_deposit")
# (code, first day of age, last day of age or None)
AGES = (("0-30", 0, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("over_90", 91, None))


def age_thresholds(today: date) -> list[tuple[str, date | None]]:
    """Each age's code and the earliest (Montréal) issue date it takes; the last age takes everything older."""
    return [(code, today - timedelta(days=last) if last is not None else None) for code, _first, last in AGES]


@dataclass(frozen=True)
class Sum:
    """How many rows and their amount, for one key (an age, a (month, method) pair)."""
    count: int
    amount: Decimal


def open_balance(sums: dict[str, Sum]) -> dict:
    by_age = [{"age": code, "min_days": first, "max_days": last,
               "invoices": sums[code].count if code in sums else 0,
               "balance": to_money(sums[code].amount) if code in sums else ZERO}
              for code, first, last in AGES]
    return {"invoices": sum(age["invoices"] for age in by_age),
            "balance": to_money(sum((age["balance"] for age in by_age), ZERO)), "by_age": by_age}


def payments(sums: dict[tuple[str, str], Sum], months: Iterable[str]) -> dict:
    def line(method: str, found: Sum | None) -> dict:
        return {"method": method, "payments": found.count if found else 0,
                "amount": to_money(found.amount) if found else ZERO}

    by_month = []
    for month in months:
        methods = [line(method, sums.get((month, method))) for method in METHODS]
        by_month.append({"month": month, "methods": methods, "payments": sum(m["payments"] for m in methods),
                         "amount": to_money(sum((m["amount"] for m in methods), ZERO))})
    by_method = [{"method": method,
                  "payments": sum(m["methods"][index]["payments"] for m in by_month),
                  "amount": to_money(sum((m["methods"][index]["amount"] for m in by_month), ZERO))}
                 for index, method in enumerate(METHODS)]
    return {"by_month": by_month, "by_method": by_method}
