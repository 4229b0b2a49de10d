"""The abuse cases of issue 17, items 1 and 8, against auth's real app with people of every role.

1. Anyone who registered read every account's name and email: ``GET /users?q=&limit=200``.
8. AQPM staff read an ASSTSAS trainer's account (card number included): staff now see the people of
   their own portal only, on every staff operation of auth that takes a user id (read from auth's
   OpenAPI document, so that a new one is covered the day it is added).
"""
from __future__ import annotations

import pytest

from tests.fuzz.apps import openapi_document

pytestmark = pytest.mark.integration

ASSTSAS, AQPM = ("trainer", "cards_staff"), ("member", "productions_staff")
STAFF_OF = {"cards_staff": ASSTSAS, "productions_staff": AQPM}


def _user_id_operations() -> list[tuple[str, str]]:
    """(METHOD, path) of every auth operation on one person: ``/users/{user_id}...``."""
    found = []
    for path, item in openapi_document("auth")["paths"].items():
        if path.startswith("/users/{user_id}"):
            found += [(method.upper(), path) for method in item if method in ("get", "post", "patch", "put", "delete")]
    return sorted(found)


def test_the_operations_on_one_person_are_known():
    operations = _user_id_operations()
    assert ("GET", "/users/{user_id}") in operations and ("PATCH", "/users/{user_id}") in operations


@pytest.mark.parametrize("role", ["member", "trainer"])
def test_the_directory_is_refused_to_people_who_are_neither_staff_nor_house_administrators(platform, role):
    sut = platform["auth"]
    client = sut.client()
    person = sut.people[role][0]
    for query in ("?q=&limit=200", "?q=camille", "?q=ex&limit=10"):
        response = client.get(f"/users{query}", headers=sut.headers(person))
        assert response.status_code == 403, (query, response.get_json())


@pytest.mark.parametrize("staff_role", sorted(STAFF_OF))
def test_staff_get_at_most_10_people_of_their_own_portal_and_never_a_listing_of_everyone(platform, staff_role):
    sut = platform["auth"]
    client = sut.client()
    headers = sut.headers(sut.people[staff_role][0])
    assert client.get("/users?q=&limit=200", headers=headers).status_code == 422
    assert client.get("/users?q=c", headers=headers).status_code == 422
    assert client.get("/users?q=camille&limit=200", headers=headers).status_code == 422
    found = client.get("/users?q=camille", headers=headers).get_json()["items"]
    assert 0 < len(found) <= 10
    own = {p.user_id: p.email for role in STAFF_OF[staff_role] for p in sut.people[role]}
    assert {item["id"]: item["email"] for item in found} == own  # full emails, and only their portal's


@pytest.mark.parametrize("method, path", _user_id_operations())
@pytest.mark.parametrize("staff_role, other_portal", [("productions_staff", ASSTSAS), ("cards_staff", AQPM)])
def test_staff_get_404_for_the_other_portals_people_on_every_operation_on_one_person(
        platform, method, path, staff_role, other_portal):
    sut = platform["auth"]
    client = sut.client()
    headers = sut.headers(sut.people[staff_role][0])
    for role in other_portal:
        person = sut.people[role][1]
        url = path.replace("{user_id}", person.user_id)
        body = {"last_name": "Intrus"} if method in ("PATCH", "PUT") else None
        response = client.open(url, method=method, headers=headers, json=body)
        assert response.status_code == 404, (method, url, role, response.get_json())
        assert person.card_number is None or person.card_number not in response.get_data(as_text=True)


@pytest.mark.parametrize("staff_role", sorted(STAFF_OF))
def test_staff_still_read_the_people_of_their_own_portal(platform, staff_role):
    sut = platform["auth"]
    client = sut.client()
    headers = sut.headers(sut.people[staff_role][0])
    for role in STAFF_OF[staff_role]:
        person = sut.people[role][1]
        response = client.get(f"/users/{person.user_id}", headers=headers)
        assert response.status_code == 200 and response.get_json()["card_number"] == person.card_number
