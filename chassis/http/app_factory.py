"""The shape of every service's Flask app: errors, request ids, languages, health, metrics, OpenAPI, tokens.

A service's ``create_app`` calls ``create_service_app`` and registers its blueprints on the
returned ``Api``. The OpenAPI document is served at ``/openapi.json`` and Swagger UI at ``/docs``, from the
platform's own copy (``chassis.http.api_docs``: ``servers`` and ``operationId`` of every document too).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from flask_smorest import Api

from chassis import tracing, validation_messages
from chassis.account_status import DisabledAccounts
from chassis.config import ServiceConfig
from chassis.db import Database
from chassis.errors import ErrorSchema
from chassis.http.api_docs import OperationIds, install_api_docs, spec_options
from chassis.http.content_type import install_content_type_check
from chassis.http.error_handlers import handle_http_exception, register_error_handlers
from chassis.http.health import install_health
from chassis.http.i18n import install_i18n
from chassis.http.input_guard import install_input_guard
from chassis.http.metrics import install_metrics
from chassis.http.request_context import install_request_context
from chassis.i18n import Catalogue
from chassis.logging import configure_logging
from chassis.tokens import TokenVerifier


class ServiceApi(Api):
    """flask-smorest's Api with the contract's error body instead of its own."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):
        return handle_http_exception(error)


@dataclass
class ServiceApp:
    app: Flask
    api: ServiceApi
    db: Database
    config: ServiceConfig


def create_service_app(config: ServiceConfig, *, title: str, description: str = "", db: Database | None = None,
                       token_verifier: TokenVerifier | None = None,
                       extra_checks: dict[str, Callable[[], None]] | None = None) -> ServiceApp:
    configure_logging(config.log_level)
    app = Flask(f"guichet.{config.service}")
    app.config.update(
        MAX_CONTENT_LENGTH=config.max_content_length,
        JSON_SORT_KEYS=False,
        API_TITLE=title,
        API_VERSION="1.0",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            **spec_options(config.service),
            "info": {"description": description},
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
        },
    )
    app.url_map.strict_slashes = False
    db = db or Database(config.database_url)
    verifier = token_verifier or TokenVerifier.from_url(config.jwks_url, config.token_issuer, config.token_audience)
    app.extensions["db"] = db
    app.extensions["token_verifier"] = verifier
    app.extensions["disabled_accounts"] = DisabledAccounts(db)
    app.extensions["service_config"] = config

    validation_messages.install()
    api = ServiceApi(app, spec_kwargs={"extra_plugins": [OperationIds()]})
    install_api_docs(app)
    register_error_handlers(app)
    install_i18n(app, Catalogue.of_service(config.service))
    install_request_context(app, config.service)
    install_content_type_check(app)
    install_input_guard(app)
    install_metrics(app, config.service)
    # Ready = its own database answers. Not the broker: the outbox keeps the API working through a RabbitMQ
    # outage, and broker health is the workers' and relays' to report (chassis.bus.health).
    checks = {"database": db.ping}
    checks.update(extra_checks or {})
    install_health(app, config.service, checks)
    tracing.trace_app(app, config.service, db)  # off unless OTEL_EXPORTER_OTLP_ENDPOINT is set
    return ServiceApp(app=app, api=api, db=db, config=config)
