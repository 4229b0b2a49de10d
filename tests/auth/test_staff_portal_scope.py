"""Staff see the people of their own portal only (issue 17, item 8): AQPM staff read an ASSTSAS
trainer's account, card number included. ASSTSAS staff: trainers and ASSTSAS staff; AQPM staff:
members and AQPM staff. The other portal's people are 404 to them, like a resource that is not theirs."""
import random
import string

import pytest

from services.auth.operations import users
from tests.auth.conftest import PASSWORD, bearer, staff_token, unique_email


def _person(db, role: str) -> dict:
    card = None
    if role == "trainer":
        card = "".join(random.choice(string.ascii_lowercase) for _ in range(4)) + f"{random.randint(100, 999)}-04"
    with db.transaction() as session:
        user = users.create_user(session, users.NewAccount(unique_email(role), "Camille", "Portail", role,
                                                           card_number=card), PASSWORD)
        return {"id": user.id, "card_number": user.card_number}


@pytest.mark.parametrize("staff_role, own, other", [
    ("cards_staff", ("trainer", "cards_staff"), ("member", "productions_staff")),
    ("productions_staff", ("member", "productions_staff"), ("trainer", "cards_staff")),
])
def test_staff_read_their_own_portals_people_and_get_404_for_the_others(client, db, staff_role, own, other):
    _, token = staff_token(client, db, staff_role)
    for role in own:
        person = _person(db, role)
        response = client.get(f"/users/{person['id']}", headers=bearer(token))
        assert response.status_code == 200 and response.get_json()["card_number"] == person["card_number"]
    for role in other:
        person = _person(db, role)
        response = client.get(f"/users/{person['id']}", headers=bearer(token))
        assert response.status_code == 404, (role, response.get_json())
        assert response.get_json()["error"]["code"] == "not_found"
        if person["card_number"]:
            assert person["card_number"] not in response.get_data(as_text=True)


def test_aqpm_staff_change_nothing_of_an_asstsas_trainer(client, db):
    trainer = _person(db, "trainer")
    _, aqpm = staff_token(client, db, "productions_staff")
    for method, path, body in (("PATCH", "", {"last_name": "Intrus"}), ("POST", "/disable", None),
                               ("POST", "/enable", None), ("GET", "/security-events", None)):
        response = client.open(f"/users/{trainer['id']}{path}", method=method, headers=bearer(aqpm), json=body)
        assert response.status_code == 404, (method, path, response.get_json())
    _, asstsas = staff_token(client, db, "cards_staff")
    assert client.get(f"/users/{trainer['id']}", headers=bearer(asstsas)).get_json()["last_name"] == "Portail"
