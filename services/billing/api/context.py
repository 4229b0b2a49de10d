"""What the views take from the app: database, settings, payment provider."""
from __future__ import annotations

from flask import current_app

from chassis.http.current import database
from services.billing.config import BillingSettings
from services.billing.domain.payments.provider import PaymentProvider

__all__ = ["database", "provider", "settings"]


def settings() -> BillingSettings:
    return current_app.extensions["billing_settings"]


def provider() -> PaymentProvider:
    return current_app.extensions["billing_payment_provider"]
