"""Log in answers must not tell whether an account exists: unknown user, wrong password and a locked
account get the same status, body and Retry-After, at every step of the lockout.

Auth locks an account per (account, client address) (services/auth/operations/throttle.py), so each
sequence below comes from one address of its own."""
from __future__ import annotations

import uuid

import psycopg
import pytest

from chassis.config import ServiceConfig
from chassis.db import Database
from services.auth.app import create_app
from services.auth.operations import users
from tests.infra import PG_ADMIN_URL, migrated_database

pytestmark = pytest.mark.integration

PASSWORD = "Correct-horse-2026"
MAX_FAILURES = 3


@pytest.fixture(scope="module")
def auth():
    url = migrated_database("auth", f"auth_security_login_{uuid.uuid4().hex[:8]}")  # unique: parallel runs
    db = Database(url)
    config = ServiceConfig.from_env("auth", database_url=url, extra={
        "ACCOUNT_MAX_FAILURES": str(MAX_FAILURES), "ADDRESS_MAX_FAILURES": "1000", "LOCKOUT_BASE_SECONDS": "300",
        "LOCKOUT_MAX_SECONDS": "600"})
    app = create_app(config, db=db)
    with db.transaction() as session:
        for email in ("exists.a@exemple.qc.ca", "exists.b@exemple.qc.ca"):
            users.create_user(session, users.NewAccount(email, "Marie", "Tremblay", "member"), PASSWORD)
    yield app
    db.dispose()
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{url.rpartition("/")[2]}" WITH (FORCE)')


def attempt(app, login: str, password: str, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    response = client.post("/login", json={"login": login, "password": password})
    return response.status_code, response.get_json(), response.headers.get("Retry-After")


def alike(first, second) -> bool:
    """Same status and body; Retry-After equal to the second (the two were asked a moment apart, and a
    whole second may tick between them: that says nothing about the account)."""
    (status_a, body_a, wait_a), (status_b, body_b, wait_b) = first, second
    same_wait = wait_a == wait_b or (wait_a is not None and wait_b is not None and abs(int(wait_a) - int(wait_b)) <= 1)
    return status_a == status_b and body_a == body_b and same_wait


def test_unknown_user_wrong_password_and_locked_account_are_answered_alike(auth):
    unknown, wrong = [], []
    for _step in range(MAX_FAILURES + 2):
        unknown.append(attempt(auth, "nobody.here@exemple.qc.ca", "Whatever-2026", "10.1.0.1"))
        wrong.append(attempt(auth, "exists.a@exemple.qc.ca", "Wrong-password-1", "10.2.0.1"))
    assert unknown[0][0] == 401 and unknown[-1][0] == 429  # the lockout did start
    assert all(alike(a, b) for a, b in zip(unknown, wrong, strict=True)), (unknown, wrong)  # step by step

    # Once locked, even the right password gets the same answer as an unknown account.
    locked_right_password = attempt(auth, "exists.a@exemple.qc.ca", PASSWORD, "10.2.0.1")
    unknown_again = attempt(auth, "nobody.here@exemple.qc.ca", "Whatever-2026", "10.1.0.1")
    assert alike(locked_right_password, unknown_again), (locked_right_password, unknown_again)
    assert locked_right_password[0] == 429

    # The other account, never failed, still logs in: the lock is the account's, not everyone's.
    status, body, _ = attempt(auth, "exists.b@exemple.qc.ca", PASSWORD, "10.3.0.3")
    assert status == 200 and body["token_type"] == "Bearer"
