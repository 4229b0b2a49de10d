import pytest

from chassis.config import ServiceConfig
from chassis.db import Database
from chassis.testing.tokens import TokenFactory
from services.billing.app import create_app
from tests.infra import migrated_database

STAFF = ["cards_staff"]
TRAINER = ["trainer"]


@pytest.fixture(scope="session")
def tokens():
    return TokenFactory()


@pytest.fixture(scope="module")
def database_url(request):
    name = "billing_" + request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    return migrated_database("billing", name)


@pytest.fixture(scope="module")
def db(database_url):
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def config(database_url):
    return ServiceConfig.from_env("billing", database_url=database_url,
                                  public_base_url="https://guichet.example.org")


@pytest.fixture(scope="module")
def app(config, db, tokens):
    return create_app(config=config, db=db, token_verifier=tokens.verifier())


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def staff_headers(tokens):
    return tokens.headers("staff-1", STAFF)


def trainer_headers(tokens, user_id: str) -> dict:
    return tokens.headers(user_id, TRAINER)
