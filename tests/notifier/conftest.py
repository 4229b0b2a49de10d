"""Fixtures of the notifier tests: one migrated PostgreSQL database per module, a real SMTP sink."""
from __future__ import annotations

import pytest

from chassis.db import Database
from chassis.testing.tokens import TokenFactory
from services.notifier.app import create_app
from services.notifier.consumers import build_handlers
from services.notifier.operations.mail_delivery import MailSender
from services.notifier.operations.webhook_delivery import WebhookSender
from tests.infra import migrated_database
from tests.notifier.support import SmtpSink, clear_tables, make_config, make_settings


@pytest.fixture(scope="module")
def module_db(request):
    name = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    database = Database(migrated_database("notifier", f"notifier_{name}"))
    yield database
    database.dispose()


@pytest.fixture
def db(module_db):
    clear_tables(module_db)
    return module_db


@pytest.fixture(scope="module")
def module_smtp():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp(module_smtp):
    module_smtp.stop()
    module_smtp.start()  # a test may have stopped it; always start clean
    module_smtp.clear()
    return module_smtp


@pytest.fixture
def settings(db, smtp):
    return make_settings(db.url, smtp.port)


@pytest.fixture
def handlers(settings):
    return build_handlers(settings)


@pytest.fixture
def mail_sender(db, settings):
    return MailSender(db, settings)


@pytest.fixture
def webhook_sender(db, settings):
    return WebhookSender(db, settings)


@pytest.fixture(scope="session")
def tokens():
    return TokenFactory()


@pytest.fixture
def client(db, smtp, tokens):
    app = create_app(make_config(db.url, smtp.port), db=db, token_verifier=tokens.verifier())
    return app.test_client()


@pytest.fixture
def cards_staff(tokens):
    return tokens.headers("staff-cards", ["cards_staff"])


@pytest.fixture
def productions_staff(tokens):
    return tokens.headers("staff-prod", ["productions_staff"])
