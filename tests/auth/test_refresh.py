"""Refresh tokens: rotation, reuse detection, logout, lifetimes."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from services.auth.db.models import RefreshToken
from tests.auth.conftest import bearer, login, register


def _session(client, **extra):
    user = register(client)
    return user, login(client, user["email"], **extra).get_json()


def test_refresh_rotates_the_token(client):
    _, first = _session(client)
    response = client.post("/refresh", json={"refresh_token": first["refresh_token"]})
    assert response.status_code == 200
    second = response.get_json()
    assert second["refresh_token"] != first["refresh_token"] and second["token_type"] == "Bearer"
    assert client.get("/me", headers=bearer(second["access_token"])).status_code == 200
    assert client.post("/refresh", json={"refresh_token": second["refresh_token"]}).status_code == 200


def test_reusing_a_rotated_token_revokes_the_whole_family(client):
    _, first = _session(client)
    second = client.post("/refresh", json={"refresh_token": first["refresh_token"]}).get_json()
    stolen_replay = client.post("/refresh", json={"refresh_token": first["refresh_token"]})
    assert stolen_replay.status_code == 401
    assert stolen_replay.get_json()["error"]["code"] == "invalid_refresh_token"
    assert client.post("/refresh", json={"refresh_token": second["refresh_token"]}).status_code == 401


def test_logout_revokes_the_session_and_is_quiet_about_unknown_tokens(client):
    user, first = _session(client)
    _, other = user, login(client, user["email"]).get_json()
    assert client.post("/logout", json={"refresh_token": first["refresh_token"]}).status_code == 204
    assert client.post("/refresh", json={"refresh_token": first["refresh_token"]}).status_code == 401
    assert client.post("/refresh", json={"refresh_token": other["refresh_token"]}).status_code == 200
    assert client.post("/logout", json={"refresh_token": "unknown-token"}).status_code == 204


@pytest.mark.parametrize("remember_me, lifetime", [(True, timedelta(days=30)), (False, timedelta(hours=12))])
def test_remember_me_chooses_the_lifetime(client, db, remember_me, lifetime):
    user, tokens = _session(client, remember_me=remember_me)
    rotated = client.post("/refresh", json={"refresh_token": tokens["refresh_token"]}).get_json()
    with db.reading() as session:
        rows = session.scalars(select(RefreshToken).where(RefreshToken.user_id == user["id"])
                               .order_by(RefreshToken.created_at)).all()
        assert len(rows) == 2 and all(row.remember_me is remember_me for row in rows)
        assert all(row.expires_at - row.created_at == lifetime for row in rows)
        assert rows[0].token_hash != tokens["refresh_token"] and len(rows[0].token_hash) == 64  # stored hashed
    assert rotated["refresh_token"]


@pytest.mark.parametrize("body", [{}, {"refresh_token": 5}, {"refresh_token": ""}, {"refresh_token": "x" * 500}])
def test_refresh_and_logout_bad_input_is_422(client, body):
    for path in ("/refresh", "/logout"):
        response = client.post(path, json=body)
        assert response.status_code == 422 and "refresh_token" in response.get_json()["error"]["fields"]
