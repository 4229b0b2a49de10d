"""The JWT attack set against every service: none, HS256 signed with the public key, expired, wrong
audience, wrong issuer, unknown kid, no signature, tampered claims: every one is refused with 401,
while the same call with a valid token succeeds (so the refusals are the tokens' doing)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

pytestmark = pytest.mark.integration

# service -> (a read that needs a token, the role that may make it)
PROTECTED_READ = {"auth": ("/me", "member"), "cards": ("/sessions", "trainer"), "billing": ("/invoices", "trainer"),
                  "productions": ("/houses", "member"), "notifier": ("/messages", "cards_staff")}


def _b64(data: dict | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def claims(tokens, user_id: str, roles: list[str], **changes) -> dict:
    now = int(time.time())
    base = {"sub": user_id, "roles": roles, "iat": now, "exp": now + 600, "jti": uuid.uuid4().hex,
            "iss": tokens.issuer, "aud": tokens.audience}
    base.update(changes)
    return base


def attacks(tokens, user_id: str, roles: list[str]) -> dict[str, str]:
    public_pem = tokens.private_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                              serialization.PublicFormat.SubjectPublicKeyInfo)
    good = claims(tokens, user_id, roles)
    signed = tokens.token(user_id, roles)
    header, payload, signature = signed.split(".")
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    hs_header = _b64({"alg": "HS256", "typ": "JWT", "kid": tokens.kid})
    hs_body = _b64(good)
    hs_signature = _b64(hmac.new(public_pem, f"{hs_header}.{hs_body}".encode(), hashlib.sha256).digest())
    return {
        "alg none": f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': tokens.kid})}.{_b64(good)}.",
        "alg None, signature kept": f"{_b64({'alg': 'None', 'kid': tokens.kid})}.{payload}.{signature}",
        "HS256 signed with the public key": f"{hs_header}.{hs_body}.{hs_signature}",
        "expired": jwt.encode(claims(tokens, user_id, roles, iat=int(time.time()) - 3600,
                                     exp=int(time.time()) - 60), tokens.private_key, algorithm="RS256",
                              headers={"kid": tokens.kid}),
        "wrong audience": jwt.encode(claims(tokens, user_id, roles, aud="someone-else"), tokens.private_key,
                                     algorithm="RS256", headers={"kid": tokens.kid}),
        "wrong issuer": jwt.encode(claims(tokens, user_id, roles, iss="https://evil.example"), tokens.private_key,
                                   algorithm="RS256", headers={"kid": tokens.kid}),
        "unknown kid": jwt.encode(good, stranger, algorithm="RS256", headers={"kid": "not-a-known-key"}),
        "known kid, signed by another key": jwt.encode(good, stranger, algorithm="RS256", headers={"kid": tokens.kid}),
        "no signature": f"{header}.{payload}.",
        "tampered roles": f"{header}.{_b64({**good, 'roles': ['cards_staff', 'productions_staff']})}.{signature}",
        "no kid": jwt.encode(good, tokens.private_key, algorithm="RS256"),
        "missing exp": jwt.encode({k: v for k, v in good.items() if k != "exp"}, tokens.private_key,
                                  algorithm="RS256", headers={"kid": tokens.kid}),
        "garbage": "not.a.jwt",
    }


def test_every_attack_is_refused_by_every_service(platform, tokens, service):
    sut = platform[service]
    path, role = PROTECTED_READ[service]
    person = sut.people[role][0]
    client = sut.client()
    assert client.get(path, headers=sut.headers(person)).status_code == 200  # the call itself is allowed

    accepted = {}
    for name, token in attacks(tokens, person.user_id, person.roles).items():
        response = client.get(path, headers={"Authorization": f"Bearer {token}"})
        if response.status_code != 401 or response.get_json()["error"]["code"] != "unauthorized":
            accepted[name] = response.status_code
    assert accepted == {}, f"{service} {path}: attacks not refused with 401: {accepted}"
