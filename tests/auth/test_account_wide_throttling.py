"""Login throttling no address change escapes (issue 17, item 6).

Before: failures were counted per (account, client address) and per address only, and
``X-Forwarded-For`` was believed from anyone, so rotating it gave 60 wrong passwords and no 429.
Now: one account from every address together gets a growing delay (conftest: default 10 free
failures, then 2, 4, 8 ... s up to 300 s), the owner's recent addresses are spared it, an unknown
account behaves exactly like a wrong password, and the header counts only from a trusted proxy.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from services.auth.app import create_app
from services.auth.db.models import LoginThrottle, SecurityEvent
from services.auth.db.types import utcnow
from tests.auth.conftest import auth_config, register, unique_email

GATEWAY = "198.51.100.10"


def _gateway_client(db_url, db, **settings):
    """Requests arriving through the gateway, which is trusted to name the client."""
    client = create_app(auth_config(db_url, TRUSTED_PROXIES=GATEWAY, **settings), db=db).test_client()
    client.environ_base["REMOTE_ADDR"] = GATEWAY
    return client


def _keep_delaying(db, user) -> None:
    """The account's current delay is still running when the next line asks (pinned an hour ahead: on a slow
    machine the loop before may outlast a 2 s delay)."""
    with db.transaction() as session:
        session.execute(update(LoginThrottle).where(LoginThrottle.scope == "account_any",
                                                    LoginThrottle.key == f"user:{user['id']}",
                                                    LoginThrottle.locked_until.is_not(None))
                        .values(locked_until=utcnow() + timedelta(hours=1)))


def _from(client, address, login_text, password="wrong-password-9"):
    return client.post("/login", json={"login": login_text, "password": password},
                       headers={"X-Forwarded-For": address})


def test_rotating_addresses_still_meets_a_growing_delay(db_url, db):
    client = _gateway_client(db_url, db)
    user = register(client)
    statuses = [_from(client, f"203.0.113.{n}", user["email"]).status_code for n in range(1, 61)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    # Each further attempt waits 2, 4, 8 ... s: only the few sent after a delay ended are checked.
    assert statuses.count(401) <= 15 and statuses.count(429) >= 45
    _keep_delaying(db, user)
    blocked = _from(client, "192.0.2.200", user["email"], "correct-horse-42")  # even the right password
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) >= 1


def test_the_delay_grows_and_stays_bounded(db_url, db):
    client = _gateway_client(db_url, db, ACCOUNT_DELAY_AFTER_FAILURES="2", ACCOUNT_DELAY_MAX_SECONDS="16")
    user = register(client)
    waits = []
    for number in range(1, 9):
        response = _from(client, f"203.0.113.{100 + number}", user["email"])
        if response.status_code == 429:
            waits.append(int(response.headers["Retry-After"]))
            with db.transaction() as session:  # the delay passes, without waiting for it
                session.execute(update(LoginThrottle).where(LoginThrottle.scope == "account_any")
                                .values(locked_until=utcnow() - timedelta(seconds=1)))
    with db.reading() as session:
        row = session.scalars(select(LoginThrottle).where(LoginThrottle.scope == "account_any",
                                                          LoginThrottle.key == f"user:{user['id']}")).one()
    assert row.failures >= 5
    assert waits == sorted(waits) and max(waits) <= 16 and waits[0] <= 2


def test_the_owner_from_a_known_address_is_not_kept_out(db_url, db):
    client = _gateway_client(db_url, db)
    user = register(client)
    assert _from(client, "192.0.2.50", user["email"], "correct-horse-42").status_code == 200  # the owner's home
    for number in range(1, 31):  # an attack from everywhere else
        _from(client, f"203.0.113.{number}", user["email"])
    _keep_delaying(db, user)
    assert _from(client, "203.0.113.99", user["email"], "correct-horse-42").status_code == 429
    assert _from(client, "192.0.2.50", user["email"], "correct-horse-42").status_code == 200


def test_an_unknown_account_answers_exactly_like_a_real_one(db_url, db):
    client = _gateway_client(db_url, db)
    real, ghost = register(client)["email"], unique_email("ghost")
    bodies = {}
    for login_text in (real, ghost):
        answers = [_from(client, f"203.0.114.{n}", login_text) for n in range(1, 12)]
        assert [a.status_code for a in answers] == [401] * 10 + [429]
        bodies[login_text] = (answers[0].get_data(), answers[10].get_data())
    assert bodies[real] == bodies[ghost]


def test_forwarded_addresses_count_only_from_a_trusted_proxy(db_url, db):
    outsider = create_app(auth_config(db_url, TRUSTED_PROXIES=GATEWAY), db=db).test_client()
    outsider.environ_base["REMOTE_ADDR"] = "203.0.113.250"
    emails = [unique_email("x") for _ in range(8)]
    for number, email in enumerate(emails):  # conftest: 8 failures lock an address; forged hops change nothing
        assert _from(outsider, f"10.9.9.{number}", email).status_code == 401
    assert _from(outsider, "10.9.9.99", unique_email("y")).status_code == 429
    with db.reading() as session:
        addresses = {row.address for row in session.scalars(select(SecurityEvent).where(
            SecurityEvent.kind == "login", SecurityEvent.user_id.is_(None))) if row.details.get("login") in emails}
    assert addresses == {"203.0.113.250"}
