"""The web's session table keeps no live token or profile in clear (issue 17, item 9).

Rows are read back with plain SQL, as someone holding a copy of the database would.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from chassis.db import Database
from services.web.session_store import SessionStore
from tests.infra import fresh_database

pytestmark = pytest.mark.integration
TOKENS = {"access_token": "eyJhbGciOiJSUzI1NiJ9.access-part.signature", "refresh_token": "refresh-secret-42",
          "expires_in": 900, "must_change_password": False}
PROFILE = {"first_name": "Claude", "last_name": "Éthier", "email": "claude.ethier@example.org",
           "card_number": "ethc123-04", "roles": ["trainer"]}


@pytest.fixture(scope="module")
def db():
    database = Database(fresh_database("web_session_store"))
    yield database
    database.dispose()


def raw_rows(db: Database) -> str:
    with db.engine.connect() as connection:
        return repr(connection.execute(text("SELECT * FROM web_sessions")).all())


def test_tokens_and_profile_are_unreadable_in_the_table_and_readable_with_the_cookie(db):
    store = SessionStore(db, timedelta(days=1), "settings-secret")
    login = store.create(TOKENS, PROFILE, "cards")
    rows = raw_rows(db)
    for secret in ("access-part", "refresh-secret-42", "claude.ethier", "ethc123-04", "Éthier"):
        assert secret not in rows
    again = store.load(login.sid)
    assert (again.access_token, again.refresh_token, again.profile) == (TOKENS["access_token"], "refresh-secret-42",
                                                                        PROFILE)


def test_renewed_tokens_and_a_changed_profile_stay_sealed(db):
    store = SessionStore(db, timedelta(days=1), "settings-secret")
    login = store.create(TOKENS, PROFILE, "cards")
    store.save_tokens(login, {"access_token": "renewed-access-77", "refresh_token": "renewed-refresh-88",
                              "expires_in": 900})
    store.update(login, profile={**PROFILE, "email": "nouvelle.adresse@example.org"})
    rows = raw_rows(db)
    assert "renewed-access-77" not in rows and "renewed-refresh-88" not in rows and "nouvelle.adresse" not in rows
    again = store.load(login.sid)
    assert (again.access_token, again.refresh_token) == ("renewed-access-77", "renewed-refresh-88")
    assert again.profile["email"] == "nouvelle.adresse@example.org"


def test_the_settings_key_alone_or_another_key_opens_nothing(db):
    store = SessionStore(db, timedelta(days=1), "settings-secret")
    login = store.create(TOKENS, PROFILE, "cards")
    assert SessionStore(db, timedelta(days=1), "another-secret").load(login.sid) is None
    assert store.load(login.sid[:-1] + ("A" if login.sid[-1] != "A" else "B")) is None
