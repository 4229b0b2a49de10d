"""The billing API: invoices, their PDF, payments and the audit trail."""
from __future__ import annotations

from chassis.config import ServiceConfig
from chassis.db import Database
from chassis.http.app_factory import create_service_app
from chassis.tokens import TokenVerifier
from services.billing.api import BLUEPRINTS
from services.billing.config import BillingSettings, load_config
from services.billing.domain.log_scrubbing import install_card_scrubbing
from services.billing.domain.payments import make_provider
from services.billing.domain.payments.provider import PaymentProvider

DESCRIPTION = """Invoices and payments for card requests: one invoice per submitted session, card payments through
the configured provider (sandbox by default), cheques and direct deposits recorded by staff."""


def create_app(config: ServiceConfig | None = None, db: Database | None = None,
               token_verifier: TokenVerifier | None = None, payment_provider: PaymentProvider | None = None):
    config = config or load_config()
    service = create_service_app(config, title="Guichet — Billing", description=DESCRIPTION,
                                 db=db, token_verifier=token_verifier)
    install_card_scrubbing()
    settings = BillingSettings.from_config(config)
    service.app.extensions["billing_settings"] = settings
    service.app.extensions["billing_payment_provider"] = payment_provider or make_provider(settings.payment_provider)
    for blueprint in BLUEPRINTS:
        service.api.register_blueprint(blueprint)
    return service.app
