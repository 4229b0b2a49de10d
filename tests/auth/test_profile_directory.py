"""Profile (C3), the directory (P4, P6), staff's views, trainer creation (C1, X8)."""
import pytest

from tests.auth.conftest import PASSWORD, bearer, member_token, outbox_events, register, staff_token, unique_email


def test_get_me_shows_the_profile(client):
    user, token = member_token(client)
    me = client.get("/me", headers=bearer(token)).get_json()
    assert me == {**user, "must_change_password": False}


def test_patch_me_changes_language_and_emits_user_updated(client, db):
    """The email change (current password, confirmation link) is in test_email_change.py."""
    user, token = member_token(client)
    response = client.patch("/me", headers=bearer(token), json={"language": "en"})
    assert response.status_code == 200 and response.get_json()["language"] == "en"
    [event] = outbox_events(db, "auth.user_updated", user_id=user["id"])
    assert event["payload"]["language"] == "en"
    unchanged = client.patch("/me", headers=bearer(token), json={"language": "en"})
    assert unchanged.status_code == 200 and len(outbox_events(db, "auth.user_updated", user_id=user["id"])) == 1


@pytest.mark.parametrize("body, field", [({"email": "nope"}, "email"), ({"language": "es"}, "language"),
                                         ({"first_name": "Names are staff's"}, "first_name"),
                                         ({"roles": ["cards_staff"]}, "roles")])
def test_patch_me_bad_input_is_422(client, body, field):
    _, token = member_token(client)
    response = client.patch("/me", headers=bearer(token), json=body)
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"]


def test_patch_me_to_a_taken_email_is_409(client):
    other = register(client)
    _, token = member_token(client)
    response = client.patch("/me", headers=bearer(token),
                            json={"email": other["email"].upper(), "current_password": PASSWORD})
    assert response.status_code == 409 and "email" in response.get_json()["error"]["fields"]


def test_directory_prefix_search_ignores_case_and_accents(client, db):
    """Who may search, and what each sees: tests/auth/test_directory.py."""
    tag = unique_email("x")[2:8]  # a family name of this test only
    for first in ("Zoé", "Zoel", "Amélie"):
        register(client, first_name=first, last_name=f"Côté{tag}")
    _, token = staff_token(client, db, "productions_staff")
    found = client.get(f"/users?q=cote{tag.upper()} zoe", headers=bearer(token)).get_json()
    assert found["total"] == 2
    assert {item["first_name"] for item in found["items"]} == {"Zoé", "Zoel"}
    assert set(found["items"][0]) == {"id", "first_name", "last_name", "email"}
    page = client.get(f"/users?q=COTÉ{tag}&limit=2", headers=bearer(token)).get_json()
    assert page["total"] == 2 and len(page["items"]) == 2
    assert client.get("/users?q=%25%25", headers=bearer(token)).get_json()["total"] == 0  # no LIKE wildcards
    assert client.get("/users?q=ab&limit=0", headers=bearer(token)).status_code == 422
    assert client.get("/users").status_code == 401


def test_staff_see_and_edit_the_accounts_they_manage(client, db):
    member, member_tok = member_token(client)
    _, cards = staff_token(client, db, "cards_staff")
    _, productions = staff_token(client, db, "productions_staff")
    assert client.get(f"/users/{member['id']}", headers=bearer(productions)).get_json()["email"] == member["email"]
    assert client.get(f"/users/{member['id']}", headers=bearer(cards)).status_code == 404  # the other portal's
    assert client.get(f"/users/{member['id']}", headers=bearer(member_tok)).status_code == 403
    assert client.get("/users/00000000-0000-0000-0000-000000000000", headers=bearer(cards)).status_code == 404

    renamed = client.patch(f"/users/{member['id']}", headers=bearer(productions), json={"last_name": "Gagnon"})
    assert renamed.status_code == 200 and renamed.get_json()["last_name"] == "Gagnon"
    assert outbox_events(db, "auth.user_updated", user_id=member["id"], last_name="Gagnon")
    not_theirs = client.patch(f"/users/{member['id']}", headers=bearer(cards), json={"last_name": "X"})
    assert not_theirs.status_code == 404


def test_trainer_creation_is_for_cards_staff_and_refuses_duplicates(client, db):
    _, cards = staff_token(client, db, "cards_staff")
    _, member_tok = member_token(client)
    body = {"card_number": "bouj777-01", "first_name": "Julie", "last_name": "Bouchard", "email": unique_email()}
    assert client.post("/trainers", json=body).status_code == 401
    assert client.post("/trainers", headers=bearer(member_tok), json=body).status_code == 403
    created = client.post("/trainers", headers=bearer(cards), json=body)
    assert created.status_code == 201
    assert created.get_json()["username"] == "bouj777" and created.get_json()["roles"] == ["trainer"]
    same_username = client.post("/trainers", headers=bearer(cards),
                                json={**body, "card_number": "bouj777-02", "email": unique_email()})
    assert same_username.status_code == 409 and "card_number" in same_username.get_json()["error"]["fields"]
    same_email = client.post("/trainers", headers=bearer(cards), json={**body, "card_number": "bouj778-01"})
    assert same_email.status_code == 409


@pytest.mark.parametrize("card", ["bouj77-01", "bouj7777-01", "bou1777-01", "bouj777", "", 1234567])
def test_trainer_with_a_malformed_card_number_is_422(client, db, card):
    _, cards = staff_token(client, db, "cards_staff")
    response = client.post("/trainers", headers=bearer(cards), json={
        "card_number": card, "first_name": "Julie", "last_name": "Bouchard", "email": unique_email()})
    assert response.status_code == 422 and "card_number" in response.get_json()["error"]["fields"]
