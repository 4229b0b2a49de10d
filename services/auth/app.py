"""The auth service's Flask app: accounts, tokens, JWKS (see ../shared/api.md "Auth").

Auth verifies its own access tokens like every other service (``chassis.tokens.TokenVerifier``),
but reads the JWKS straight from its key table instead of over HTTP.
"""
from __future__ import annotations

from flask import Flask

from chassis.config import ServiceConfig
from chassis.db import Database
from chassis.http.app_factory import create_service_app
from chassis.tokens import StaticJwksClient, TokenVerifier
from services.auth.api import (
    account_status,
    accounts,
    data_export,
    email_changes,
    jwks,
    me,
    privacy,
    security_events,
    sessions,
    trainers,
    users,
)
from services.auth.config import load_config
from services.auth.operations.context import AuthContext

DESCRIPTION = ("Guichet accounts, log in and access tokens. "
               "Access tokens are RS256 JWTs verified with `/.well-known/jwks.json`.")


def create_app(config: ServiceConfig | None = None, db: Database | None = None,
               token_verifier: TokenVerifier | None = None) -> Flask:
    config = config or load_config()
    db = db or Database(config.database_url)
    ctx = AuthContext.build(config, db)
    verifier = token_verifier or TokenVerifier(StaticJwksClient(ctx.keys.jwks), config.token_issuer,
                                               config.token_audience)
    service = create_service_app(config, title="Guichet auth", description=DESCRIPTION, db=db,
                                 token_verifier=verifier)
    service.app.extensions["auth"] = ctx
    for module in (accounts, sessions, me, data_export, email_changes, users, security_events, account_status,
                   trainers, privacy, jwks):
        service.api.register_blueprint(module.blp)
    return service.app
