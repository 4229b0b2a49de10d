"""A token from a temporary-password login opens nothing but the password change, on every service.

Found by an adversarial pass (issue 17, item 5): cards and billing accepted a ``pwd_change_required``
token, so whoever read a temporary password in a mailbox could act as the person without ever choosing
a password. The check now lives in ``chassis.tokens.require_auth``, which every service uses.
"""
from __future__ import annotations

import pytest

from tests.security.test_jwt_attacks import PROTECTED_READ

pytestmark = pytest.mark.integration

# Every service but auth: auth's own pages for this case (GET /me, POST /me/password) are tested in tests/auth.
SERVICES = ("cards", "billing", "productions", "notifier")


@pytest.mark.parametrize("service", SERVICES)
def test_a_temporary_password_token_is_refused_where_a_normal_one_is_served(platform, tokens, service):
    sut = platform[service]
    path, role = PROTECTED_READ[service]
    person = sut.people[role][0]
    client = sut.client()
    assert client.get(path, headers=sut.headers(person)).status_code == 200

    pending = tokens.headers(person.user_id, person.roles, pwd_change_required=True)
    response = client.get(path, headers=pending)
    assert response.status_code == 403, response.status_code
    assert response.get_json()["error"]["code"] == "password_change_required"


def test_auth_still_lets_a_temporary_password_token_change_the_password(platform, tokens):
    sut = platform["auth"]
    person = sut.people["member"][0]
    pending = tokens.headers(person.user_id, person.roles, pwd_change_required=True)
    assert sut.client().get("/me", headers=pending).status_code == 200
    assert sut.client().get("/users?q=ab", headers=pending).status_code == 403
