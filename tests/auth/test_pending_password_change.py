"""A forced password change belongs to the session opened with the temporary password (issue 16, 6).

Forgot password, log in once with the temporary password, leave without changing it, then log in
with the real password: that session is not asked to change anything, the temporary password no
longer works, and the email's promise ("your current password stays valid") holds.
"""
from sqlalchemy import select

from services.auth.db.models import RefreshToken, User
from tests.auth.conftest import PASSWORD, bearer, login, outbox_events, register

NEW_PASSWORD = "brand-new-secret-8"


def _temporary_password(client, db, member) -> str:
    assert client.post("/password/forgot", json={"email": member["email"]}).status_code == 202
    return outbox_events(db, "auth.password_reset_requested", user_id=member["id"])[-1]["payload"][
        "temporary_password"]


def _me(client, tokens) -> dict:
    return client.get("/me", headers=bearer(tokens["access_token"])).get_json()


def test_a_login_with_the_real_password_after_a_temporary_one_is_not_forced_to_change(client, db):
    member = register(client)
    temporary = _temporary_password(client, db, member)
    restricted = login(client, member["email"], temporary).get_json()
    assert restricted["must_change_password"] is True  # ...and the person leaves without changing it

    real = login(client, member["email"], PASSWORD)
    assert real.status_code == 200 and real.get_json()["must_change_password"] is False
    tokens = real.get_json()
    assert _me(client, tokens)["must_change_password"] is False
    assert client.patch("/me", headers=bearer(tokens["access_token"]), json={"language": "fr"}).status_code == 200
    refreshed = client.post("/refresh", json={"refresh_token": tokens["refresh_token"]}).get_json()
    assert refreshed["must_change_password"] is False
    assert client.patch("/me", headers=bearer(refreshed["access_token"]), json={"language": "en"}).status_code == 200

    # The pending change is over: the temporary password and the session it opened stop working.
    assert login(client, member["email"], temporary).status_code == 401
    assert client.post("/refresh", json={"refresh_token": restricted["refresh_token"]}).status_code == 401
    with db.reading() as session:
        user = session.get(User, member["id"])
        assert user.must_change_password is False and user.temp_password_hash is None
    assert login(client, member["email"], PASSWORD).get_json()["must_change_password"] is False


def test_a_real_password_login_before_using_the_temporary_one_cancels_it(client, db):
    """The email says "if you did not ask, ignore it: your current password stays valid"."""
    member = register(client)
    temporary = _temporary_password(client, db, member)
    real = login(client, member["email"], PASSWORD)
    assert real.status_code == 200 and real.get_json()["must_change_password"] is False
    assert login(client, member["email"], temporary).status_code == 401


def test_only_the_temporary_password_session_stays_restricted_until_it_changes_the_password(client, db):
    member = register(client)
    laptop = login(client, member["email"], PASSWORD).get_json()  # opened before the reset
    temporary = _temporary_password(client, db, member)
    restricted = login(client, member["email"], temporary).get_json()
    assert _me(client, restricted)["must_change_password"] is True
    assert _me(client, laptop)["must_change_password"] is False  # the other session is not concerned
    assert client.patch("/me", headers=bearer(laptop["access_token"]), json={"language": "fr"}).status_code == 200
    again = client.post("/refresh", json={"refresh_token": restricted["refresh_token"]}).get_json()
    assert again["must_change_password"] is True  # refreshing does not lift it
    assert client.get("/users", headers=bearer(again["access_token"])).status_code == 403

    changed = client.post("/me/password", headers=bearer(again["access_token"]), json={
        "old_password": temporary, "new_password": NEW_PASSWORD, "new_password_confirmation": NEW_PASSWORD})
    assert changed.status_code == 204
    free = client.post("/refresh", json={"refresh_token": again["refresh_token"]}).get_json()
    assert free["must_change_password"] is False and _me(client, free)["must_change_password"] is False
    with db.reading() as session:
        live = session.scalars(select(RefreshToken).where(RefreshToken.user_id == member["id"],
                                                          RefreshToken.revoked_at.is_(None),
                                                          RefreshToken.used_at.is_(None))).all()
        assert [row.password_change_required for row in live] == [False]  # the laptop's session was ended
    assert login(client, member["email"], NEW_PASSWORD).get_json()["must_change_password"] is False
