"""The productions service: houses, producers, production sheets, SET access and the hand-off to SET."""
from __future__ import annotations

from chassis.config import ServiceConfig
from chassis.db import Database
from chassis.http.app_factory import create_service_app
from chassis.tokens import TokenVerifier
from services.productions.api import access, audit, handoffs, houses, producers, sheets, stats, users
from services.productions.config import (
    HANDOFF_AUDIENCE,
    handoff_issuer,
    handoff_ttl_seconds,
    key_passphrase,
    load_config,
    set_url,
)
from services.productions.operations.handoffs import HandoffSettings
from services.productions.operations.signing import HandoffKeys

DESCRIPTION = """Production houses, producers, production sheets, SET access (AQPM portal).

Mounted at `/api/productions/` by the gateway. Roles: `member`, `productions_staff`.
The SET side verifies hand-off tokens with `GET /.well-known/jwks.json` and consumes them once
with `POST /set/handoffs/verify`."""


def create_app(config: ServiceConfig | None = None, db: Database | None = None,
               token_verifier: TokenVerifier | None = None):
    config = config or load_config()
    service = create_service_app(config, title="Guichet productions", description=DESCRIPTION, db=db,
                                 token_verifier=token_verifier)
    app = service.app
    app.extensions["handoff_keys"] = HandoffKeys(service.db, key_passphrase(config))
    app.extensions["handoff_settings"] = HandoffSettings(set_url=set_url(config), issuer=handoff_issuer(config),
                                                         audience=HANDOFF_AUDIENCE,
                                                         ttl_seconds=handoff_ttl_seconds(config))
    for module in (houses, producers, sheets, access, handoffs, users, audit, stats):
        service.api.register_blueprint(module.blp)
    return app
