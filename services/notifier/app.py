"""The notifier's HTTP app: delivery log and webhooks (served under /api/notifier by the gateway)."""
from __future__ import annotations

from flask import Flask

from chassis.config import ServiceConfig
from chassis.db import Database
from chassis.http.app_factory import create_service_app
from chassis.tokens import TokenVerifier
from services.notifier.api.data_exports import blp as data_exports_blp
from services.notifier.api.messages import blp as messages_blp
from services.notifier.api.webhooks import blp as webhooks_blp
from services.notifier.config import NotifierSettings, load_config
from services.notifier.domain.secret_box import SecretBox

DESCRIPTION = """Emails and webhooks triggered by the platform's events.

Staff (`cards_staff`, `productions_staff`) see the delivery log and the webhooks of their own portal."""


def create_app(config: ServiceConfig | None = None, db: Database | None = None,
               token_verifier: TokenVerifier | None = None) -> Flask:
    config = config or load_config()
    service = create_service_app(config, title="Guichet — Notifier", description=DESCRIPTION, db=db,
                                 token_verifier=token_verifier)
    settings = NotifierSettings.from_config(config)
    service.app.extensions["notifier_settings"] = settings
    service.app.extensions["notifier_secret_box"] = SecretBox(settings)
    service.api.register_blueprint(messages_blp)
    service.api.register_blueprint(webhooks_blp)
    service.api.register_blueprint(data_exports_blp)
    return service.app
