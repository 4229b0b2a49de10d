"""Choosing the card payment provider from ``BILLING_PAYMENT_PROVIDER`` (``sandbox`` by default)."""
from __future__ import annotations

from services.billing.domain.payments.provider import PaymentProvider
from services.billing.domain.payments.sandbox import SandboxProvider

PROVIDERS = {"sandbox": SandboxProvider}


def make_provider(name: str) -> PaymentProvider:
    try:
        return PROVIDERS[name]()
    except KeyError:
        raise RuntimeError(f"unknown BILLING_PAYMENT_PROVIDER {name!r}; known: {sorted(PROVIDERS)}") from None
