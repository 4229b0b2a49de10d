"""Auth tests run the real app against a real PostgreSQL database (one per test module)."""
from __future__ import annotations

import itertools
import uuid

import pytest
from sqlalchemy import select

from chassis.bus.tables import OutboxMessage
from chassis.config import ServiceConfig
from chassis.db import Database
from services.auth.app import create_app
from tests.infra import migrated_database

PASSWORD = "correct-horse-42"
_addresses = itertools.count(1)

# Fast, deterministic throttling for tests; the defaults are documented in services/auth/config.py.
TEST_SETTINGS = {"ACCOUNT_MAX_FAILURES": "3", "ADDRESS_MAX_FAILURES": "8", "LOCKOUT_BASE_SECONDS": "30",
                 "LOCKOUT_MAX_SECONDS": "120", "RESET_COOLDOWN_SECONDS": "0"}


def auth_config(url: str, **extra) -> ServiceConfig:
    return ServiceConfig.from_env("auth", database_url=url, extra={**TEST_SETTINGS, **extra})


@pytest.fixture(scope="module")
def db_url(request):
    name = "auth_" + request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    return migrated_database("auth", name)


@pytest.fixture(scope="module")
def db(db_url):
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def app(db_url, db):
    return create_app(auth_config(db_url), db=db)


@pytest.fixture()
def client(app):
    """A test client with an address of its own, so address throttling of one test never leaks."""
    number = next(_addresses)
    address = f"10.0.{number // 250}.{number % 250 + 1}"
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}.{uuid.uuid4().hex[:10]}@example.org"


def register(client, email=None, password=PASSWORD, first_name="Marie", last_name="Tremblay", **extra):
    email = email or unique_email()
    response = client.post("/register", json={"first_name": first_name, "last_name": last_name, "email": email,
                                              "email_confirmation": email, "password": password,
                                              "password_confirmation": password, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def login(client, login_text, password=PASSWORD, **extra):
    return client.post("/login", json={"login": login_text, "password": password, **extra})


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def member_token(client, **register_extra) -> tuple[dict, str]:
    user = register(client, **register_extra)
    response = login(client, user["email"])
    assert response.status_code == 200, response.get_json()
    return user, response.get_json()["access_token"]


def staff_token(client, db, role: str) -> tuple[dict, str]:
    from services.auth.operations import users

    email = unique_email(role)
    with db.transaction() as session:
        user = users.create_user(session, users.NewAccount(email, "Personnel", "Test", role), PASSWORD)
        user_id = user.id
    response = login(client, email)
    assert response.status_code == 200, response.get_json()
    return {"id": user_id, "email": email}, response.get_json()["access_token"]


def outbox_events(db, event_type: str, **payload_match) -> list[dict]:
    """Envelopes of unsent outbox rows of this type whose payload has the given values."""
    with db.reading() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.event_type == event_type)
                               .order_by(OutboxMessage.id)).all()
        found = [dict(row.envelope, _sensitive=row.sensitive) for row in rows]
    return [env for env in found if all(env["payload"].get(k) == v for k, v in payload_match.items())]


@pytest.fixture()
def immediate_status(app):
    """Auth re-reads its account_status table at every request (30 s in production)."""
    registry = app.extensions["disabled_accounts"]
    registry.refresh, before = 0, registry.refresh
    yield
    registry.refresh = before
