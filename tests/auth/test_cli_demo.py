"""Operator commands (create-user, backfill-users), demo accounts, and auth on SQLite (embedded)."""
from sqlalchemy import func, select

from chassis.bus.tables import OutboxMessage
from chassis.config import ServiceConfig
from chassis.migrations import upgrade
from services.auth import cli
from services.auth.app import create_app
from services.auth.operations import backfill
from services.auth.operations.demo_accounts import ensure_demo_accounts
from tests.auth.conftest import bearer, login, outbox_events, register, unique_email

DEMO_PASSWORD = "demo-password-2024"


def test_demo_accounts_are_created_once_and_can_log_in(client, db):
    printed = ensure_demo_accounts(db, DEMO_PASSWORD)
    assert [(a["role"], a["login"]) for a in printed] == [
        ("cards_staff", "staff@asstsas.demo"), ("productions_staff", "staff@aqpm.demo"),
        ("trainer", "ethc123"), ("member", "membre@aqpm.demo")]
    with db.reading() as session:
        outbox_before = session.scalar(select(func.count()).select_from(OutboxMessage))
    assert ensure_demo_accounts(db, DEMO_PASSWORD) == printed  # idempotent
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == outbox_before
    for account in printed:
        response = login(client, account["login"], DEMO_PASSWORD)
        assert response.status_code == 200 and response.get_json()["must_change_password"] is False
        me = client.get("/me", headers=bearer(response.get_json()["access_token"])).get_json()
        assert me["roles"] == [account["role"]]
    trainer = next(a for a in printed if a["role"] == "trainer")
    registered = outbox_events(db, "auth.user_registered", email="claude.ethier@example.org")
    assert len(registered) == 1 and registered[0]["payload"]["card_number"] == "ethc123-04"
    assert registered[0]["payload"]["last_name"] == "Éthier" and trainer["email"] == "claude.ethier@example.org"


def test_create_user_command(client, db, monkeypatch, capsys):
    monkeypatch.setenv("AUTH_DATABASE_URL", db.url)
    email = unique_email("staff")
    code = cli.main(["create-user", "--email", email, "--first-name", "Line", "--last-name", "Roy",
                     "--role", "cards_staff", "--password", "staff-password-1"])
    assert code == 0 and email in capsys.readouterr().out
    token = login(client, email, "staff-password-1").get_json()["access_token"]
    assert client.get("/me", headers=bearer(token)).get_json()["roles"] == ["cards_staff"]
    assert cli.main(["create-user", "--email", email.upper(), "--first-name", "L", "--last-name", "R",
                     "--role", "member", "--password", "staff-password-1"]) == 1
    assert cli.main(["create-user", "--email", unique_email(), "--first-name", "L", "--last-name", "R",
                     "--role", "member", "--password", "short"]) == 2


def test_backfill_records_one_user_updated_per_user(client, db, monkeypatch):
    users = [register(client) for _ in range(3)]
    monkeypatch.setenv("AUTH_DATABASE_URL", db.url)
    monkeypatch.setattr(backfill, "BATCH", 2)
    assert cli.main(["backfill-users"]) == 0
    for user in users:
        [event] = outbox_events(db, "auth.user_updated", user_id=user["id"])
        assert event["payload"]["email"] == user["email"] and event["payload"]["roles"] == ["member"]


def test_auth_works_on_sqlite_with_its_migrations(tmp_path):
    url = f"sqlite:///{tmp_path / 'auth.db'}"
    upgrade("auth", url)
    app = create_app(ServiceConfig.from_env("auth", database_url=url))
    client = app.test_client()
    user = register(client)
    tokens = login(client, user["email"]).get_json()
    assert client.get("/me", headers=bearer(tokens["access_token"])).get_json()["id"] == user["id"]
    rotated = client.post("/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert rotated.status_code == 200
    assert client.post("/refresh", json={"refresh_token": tokens["refresh_token"]}).status_code == 401
    for _ in range(5):
        login(client, user["email"], "wrong-password-1")
    assert login(client, user["email"]).status_code == 429
    app.extensions["db"].dispose()
