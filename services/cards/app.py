"""The cards service's Flask app: the card-request desk of Portal 1 (issue 3)."""
from __future__ import annotations

from flask import Flask

from chassis.config import ServiceConfig
from chassis.db import Database
from chassis.http.app_factory import create_service_app
from chassis.tokens import TokenVerifier
from services.cards.api import (
    attestations,
    data_export,
    exports,
    participants,
    reference,
    retention,
    sessions,
    staff,
    stats,
)
from services.cards.config import CardsSettings, load_config

DESCRIPTION = "Guichet — Cards: trainers' card requests, participants, payment, attestations and public verification."


def create_app(config: ServiceConfig | None = None, db: Database | None = None,
               token_verifier: TokenVerifier | None = None) -> Flask:
    config = config or load_config()
    service = create_service_app(config, title="Guichet — Cards", description=DESCRIPTION, db=db,
                                 token_verifier=token_verifier)
    service.app.extensions["cards_settings"] = CardsSettings.from_config(config)
    for module in (reference, sessions, participants, attestations, staff, stats, exports, data_export, retention):
        service.api.register_blueprint(module.blp)
    return service.app
