"""A token verified once is accepted again without its signature checked, only while it would still verify:
not after its expiry, not once its key left the key set."""
from __future__ import annotations

import time

import pytest

from chassis.errors import Unauthorized
from chassis.testing.tokens import TokenFactory
from chassis.tokens import StaticJwksClient, TokenVerifier


@pytest.fixture
def factory() -> TokenFactory:
    return TokenFactory()


def test_a_token_seen_before_gives_the_same_principal(factory):
    verifier = factory.verifier()
    token = factory.token("u7", ["trainer"])
    first = verifier.verify(token)
    assert verifier.verify(token) is first
    assert first.user_id == "u7" and first.roles == ("trainer",)


def test_a_token_seen_before_is_refused_once_its_key_is_withdrawn(factory):
    published = {"keys": list(factory.jwks["keys"])}
    verifier = TokenVerifier(StaticJwksClient(lambda: published), factory.issuer, factory.audience)
    token = factory.token("u7", ["trainer"])
    verifier.verify(token)
    published["keys"] = []  # the key rotated out of auth's key set
    with pytest.raises(Unauthorized):
        verifier.verify(token)


def test_a_token_seen_before_is_refused_after_its_expiry(factory):
    verifier = TokenVerifier(StaticJwksClient(factory.jwks), factory.issuer, factory.audience, leeway=0)
    now = int(time.time())
    token = factory.token("u7", ["trainer"], ttl=2, iat=now, exp=now + 2)
    verifier.verify(token)
    while time.time() < now + 2.2:  # until it has expired
        time.sleep(0.1)
    with pytest.raises(Unauthorized):
        verifier.verify(token)


def test_a_bad_token_is_never_remembered(factory):
    verifier = factory.verifier()
    forged = factory.token("u7", ["trainer"])[:-4] + "AAAA"
    for _ in range(2):
        with pytest.raises(Unauthorized):
            verifier.verify(forged)
