"""Fixtures of the cards tests: one migrated PostgreSQL database and one app per test module."""
from __future__ import annotations

import pytest

from chassis.db import Database
from chassis.testing.tokens import TokenFactory
from services.cards.app import create_app
from services.cards.config import load_config
from tests.cards.helpers import seed_trainer
from tests.infra import migrated_database


@pytest.fixture(scope="session")
def tokens() -> TokenFactory:
    return TokenFactory()


@pytest.fixture(scope="module")
def db(request):
    name = "cards_" + request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    database = Database(migrated_database("cards", name))
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def app(db, tokens):
    config = load_config(database_url=db.url, extra={"VERIFY_MAX_FAILURES": "1000", "TRUSTED_PROXY_HOPS": "1",
                                                     "PUBLIC_BASE_URL": "https://guichet.exemple.ca"})
    return create_app(config, db=db, token_verifier=tokens.verifier())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def trainer(db, tokens) -> dict:
    """A fresh trainer known to cards, with ready-made auth headers."""
    person = seed_trainer(db)
    return {**person, "headers": tokens.headers(person["user_id"], ["trainer"])}


@pytest.fixture
def staff(tokens) -> dict:
    return {"user_id": "staff-1", "headers": tokens.headers("staff-1", ["cards_staff"])}
