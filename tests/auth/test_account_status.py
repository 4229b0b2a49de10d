"""Staff disable and enable accounts of their own portal (issue 17, item 11): auth's side."""
from __future__ import annotations

import pytest

from tests.auth.conftest import PASSWORD, bearer, login, member_token, outbox_events, staff_token

pytestmark = pytest.mark.integration


def test_a_disabled_member_loses_every_session_and_login_until_enabled(client, db, immediate_status):
    member, access = member_token(client)
    refresh = login(client, member["email"]).get_json()["refresh_token"]
    _, staff = staff_token(client, db, "productions_staff")

    response = client.post(f"/users/{member['id']}/disable", headers=bearer(staff))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["disabled"] is True
    assert [e["payload"] for e in outbox_events(db, "auth.user_disabled", user_id=member["id"])] == \
        [{"user_id": member["id"]}]

    assert client.post("/refresh", json={"refresh_token": refresh}).status_code == 401
    me = client.get("/me", headers=bearer(access))
    assert me.status_code == 401 and me.get_json()["error"]["code"] == "account_disabled"
    right = login(client, member["email"])
    assert right.status_code == 403 and right.get_json()["error"]["code"] == "account_disabled"
    wrong = login(client, member["email"], "not-the-password-1")
    assert wrong.status_code == 401 and wrong.get_json()["error"]["code"] == "invalid_credentials"

    enabled = client.post(f"/users/{member['id']}/enable", headers=bearer(staff))
    assert enabled.status_code == 200 and enabled.get_json()["disabled"] is False
    assert len(outbox_events(db, "auth.user_enabled", user_id=member["id"])) == 1
    assert login(client, member["email"], PASSWORD).status_code == 200


def test_doing_it_twice_emits_once(client, db):
    member, _ = member_token(client)
    _, staff = staff_token(client, db, "productions_staff")
    for _ in range(2):
        assert client.post(f"/users/{member['id']}/disable", headers=bearer(staff)).status_code == 200
    assert len(outbox_events(db, "auth.user_disabled", user_id=member["id"])) == 1


def test_only_staff_of_the_person_s_portal_may_disable(client, db):
    member, member_access = member_token(client)
    other, _ = member_token(client)
    _, asstsas_staff = staff_token(client, db, "cards_staff")
    assert client.post(f"/users/{member['id']}/disable", headers=bearer(asstsas_staff)).status_code == 404
    assert client.post(f"/users/{other['id']}/disable", headers=bearer(member_access)).status_code == 403
    assert client.post(f"/users/{member['id']}/disable").status_code == 401
    assert client.post("/users/no-such-user/disable", headers=bearer(asstsas_staff)).status_code == 404
    assert outbox_events(db, "auth.user_disabled", user_id=member["id"]) == []
