"""Brute-force throttling: per account and per address, 429 + Retry-After, bounded lockouts.

conftest's settings: 3 failures lock an account, 8 an address; lockouts 30 s, doubling, at most 120 s.
"""
from datetime import timedelta

from sqlalchemy import delete, select, update

from services.auth.db.models import LoginThrottle
from services.auth.db.types import utcnow
from tests.auth.conftest import auth_config, login, register, unique_email


def _end_lockouts(db) -> None:
    """The lockout window passes (without waiting for it)."""
    with db.transaction() as session:
        session.execute(update(LoginThrottle).where(LoginThrottle.locked_until.is_not(None))
                        .values(locked_until=utcnow() - timedelta(seconds=1)))


def _fail(client, login_text, times):
    return [login(client, login_text, "wrong-password-9").status_code for _ in range(times)]


def test_an_account_locks_after_repeated_failures_then_a_correct_password_works_again(client, db):
    user = register(client)
    assert _fail(client, user["email"], 3) == [401, 401, 401]
    locked = login(client, user["email"])  # even the right password: no oracle while locked
    assert locked.status_code == 429
    assert 1 <= int(locked.headers["Retry-After"]) <= 30
    assert locked.get_json()["error"]["code"] == "too_many_requests"

    _end_lockouts(db)
    assert login(client, user["email"]).status_code == 200
    with db.reading() as session:  # the success cleared the account's failures
        assert session.scalar(select(LoginThrottle).where(LoginThrottle.scope == "account",
                                                          LoginThrottle.key.startswith(f"user:{user['id']}@"))) is None


def test_the_lock_is_per_account_whatever_the_spelling_of_the_login(client):
    user = register(client)
    _fail(client, user["email"].upper(), 2)
    _fail(client, user["email"], 1)
    assert login(client, user["email"]).status_code == 429


def test_an_attacker_elsewhere_never_locks_the_real_user_out(app, client):
    user = register(client)
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "192.0.2.77"
    for _round in range(5):  # however long the attack goes on
        _fail(attacker, user["email"], 3)
        assert login(attacker, user["email"]).status_code == 429
        assert login(client, user["email"]).status_code == 200


def test_lockouts_grow_but_stay_bounded(client, db):
    user = register(client)
    durations = []
    for _round in range(4):
        # Measure the account's lock alone, not the address's nor the account-wide delay.
        with db.transaction() as session:
            session.execute(delete(LoginThrottle).where(LoginThrottle.scope.in_(("address", "account_any"))))
        _fail(client, user["email"], 3)
        response = login(client, user["email"])
        assert response.status_code == 429
        durations.append(int(response.headers["Retry-After"]))
        _end_lockouts(db)
    assert durations[0] <= 30 and 30 < durations[1] <= 60 and 60 < durations[2] <= 120 and 90 < durations[3] <= 120


def test_unknown_accounts_lock_exactly_like_real_ones(client):
    real = register(client)
    ghost = unique_email("ghost")
    real_codes = _fail(client, real["email"], 3) + [login(client, real["email"], "wrong-password-9").status_code]
    ghost_codes = _fail(client, ghost, 3) + [login(client, ghost, "wrong-password-9").status_code]
    assert real_codes == ghost_codes == [401, 401, 401, 429]
    real_locked = login(client, real["email"], "wrong-password-9")
    ghost_locked = login(client, ghost, "wrong-password-9")
    assert real_locked.data == ghost_locked.data


def test_one_address_guessing_many_accounts_is_locked_out(app, db):
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    codes = [login(attacker, unique_email("victim"), "guess-guess-1").status_code for _ in range(8)]
    assert codes == [401] * 8
    victim = register(app.test_client())
    blocked = login(attacker, victim["email"])
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    bystander = app.test_client()
    bystander.environ_base["REMOTE_ADDR"] = "198.51.100.10"
    assert login(bystander, victim["email"]).status_code == 200


def test_x_forwarded_for_counts_only_when_the_proxy_is_trusted(db_url, db):
    from services.auth.app import create_app

    untrusted = create_app(auth_config(db_url), db=db).test_client()
    untrusted.environ_base["REMOTE_ADDR"] = "203.0.113.50"
    for number in range(8):  # a forged header changes nothing: the peer address is counted
        untrusted.post(
            "/login", json={"login": unique_email("x"), "password": "guess-guess-1"},
            headers={"X-Forwarded-For": f"10.9.9.{number}"})
    assert login(untrusted, unique_email("x"), "guess-guess-1").status_code == 429

    trusted = create_app(auth_config(db_url, TRUSTED_PROXIES="203.0.113.60"), db=db).test_client()
    trusted.environ_base["REMOTE_ADDR"] = "203.0.113.60"  # the gateway
    for _ in range(8):
        trusted.post("/login", json={"login": unique_email("y"), "password": "guess-guess-1"},
                     headers={"X-Forwarded-For": "198.18.0.1, 203.0.113.60"})
    blocked = trusted.post("/login", json={"login": unique_email("y"), "password": "guess-guess-1"},
                           headers={"X-Forwarded-For": "198.18.0.1"})
    other_client = trusted.post("/login", json={"login": unique_email("y"), "password": "guess-guess-1"},
                                headers={"X-Forwarded-For": "198.18.0.2"})
    assert blocked.status_code == 429 and other_client.status_code == 401
