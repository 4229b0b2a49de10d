"""Every service refuses a disabled account's tokens from its own table (issue 17, item 11).

Cards stands for every service: its real consumer handler applies auth's events to its own
``account_status`` table, in any order, and its real app then refuses the account's tokens.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chassis.account_status import DisabledAccounts
from chassis.db import Database
from chassis.events.envelope import Envelope
from chassis.testing.tokens import TokenFactory
from services.cards.app import create_app
from services.cards.config import load_config
from services.cards.consumers import HANDLERS
from tests.infra import migrated_database

pytestmark = pytest.mark.integration
T0 = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def db():
    database = Database(migrated_database("cards", "account_status"))
    yield database
    database.dispose()


def deliver(db: Database, event_type: str, user_id: str, at: datetime) -> None:
    event = Envelope(type=event_type, payload={"user_id": user_id}, producer="auth", correlation_id="test",
                     occurred_at=at.isoformat())
    with db.transaction() as session:
        HANDLERS[event_type](session, event)


def test_events_apply_in_the_order_they_happened_not_the_order_they_arrive(db):
    registry = DisabledAccounts(db, refresh=0)
    deliver(db, "auth.user_disabled", "u-late", T0 + timedelta(minutes=5))
    deliver(db, "auth.user_enabled", "u-late", T0)                      # older: changes nothing
    deliver(db, "auth.user_disabled", "u-back", T0)
    deliver(db, "auth.user_enabled", "u-back", T0 + timedelta(minutes=1))
    deliver(db, "auth.user_disabled", "u-back", T0)                     # a redelivery of the older one
    assert registry.contains("u-late") and not registry.contains("u-back")


def test_the_service_refuses_the_tokens_of_a_disabled_account_and_only_those(db):
    tokens = TokenFactory()
    app = create_app(load_config(), db=db, token_verifier=tokens.verifier())
    app.extensions["disabled_accounts"].refresh = 0  # production: reloaded every 30 s
    client = app.test_client()
    deliver(db, "auth.user_disabled", "u-gone", T0)
    refused = client.get("/sessions", headers=tokens.headers("u-gone", ["trainer"]))
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "account_disabled"
    assert client.get("/sessions", headers=tokens.headers("u-here", ["trainer"])).status_code != 401
