"""Token checks: RS256 only, signature, expiry, audience, issuer; roles give 403."""
import base64
import json
import time

import jwt
from cryptography.hazmat.primitives import serialization


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _get(client, token):
    return client.get("/whoami", headers={"Authorization": f"Bearer {token}"})


def test_valid_token_gives_principal(client, tokens):
    response = _get(client, tokens.token("u7", ["member"]))
    assert response.status_code == 200
    assert response.get_json() == {"user_id": "u7", "roles": ["member"]}


def test_no_token_is_401(client):
    response = client.get("/whoami")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_expired_token_is_401(client, tokens):
    assert _get(client, tokens.token("u7", ["member"], ttl=-60)).status_code == 401


def test_tampered_signature_is_401(client, tokens):
    header, payload, signature = tokens.token("u7", ["member"]).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["roles"] = ["cards_staff"]
    assert _get(client, f"{header}.{_b64(claims)}.{signature}").status_code == 401


def test_alg_none_is_401(client, tokens):
    now = int(time.time())
    claims = {"sub": "u7", "roles": ["cards_staff"], "iat": now, "exp": now + 60, "jti": "x",
              "iss": tokens.issuer, "aud": tokens.audience}
    token = f"{_b64({'alg': 'none', 'kid': tokens.kid})}.{_b64(claims)}."
    assert _get(client, token).status_code == 401


def test_hs256_signed_with_the_public_key_is_401(client, tokens):
    public_pem = tokens.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    now = int(time.time())
    claims = {"sub": "u7", "roles": ["cards_staff"], "iat": now, "exp": now + 60, "jti": "x",
              "iss": tokens.issuer, "aud": tokens.audience}
    header = _b64({"alg": "HS256", "typ": "JWT", "kid": tokens.kid})
    body = _b64(claims)
    import hashlib
    import hmac
    signature = base64.urlsafe_b64encode(
        hmac.new(public_pem, f"{header}.{body}".encode(), hashlib.sha256).digest()).rstrip(b"=").decode()
    assert _get(client, f"{header}.{body}.{signature}").status_code == 401


def test_wrong_audience_or_issuer_is_401(client, tokens):
    assert _get(client, tokens.token("u7", ["member"], aud="set")).status_code == 401
    assert _get(client, tokens.token("u7", ["member"], iss="someone-else")).status_code == 401


def test_unknown_kid_is_401(client, tokens):
    now = int(time.time())
    token = jwt.encode({"sub": "u7", "roles": [], "iat": now, "exp": now + 60, "jti": "x", "iss": tokens.issuer,
                        "aud": tokens.audience}, tokens.private_key, algorithm="RS256", headers={"kid": "other"})
    assert _get(client, token).status_code == 401


def test_wrong_role_is_403(client, tokens):
    response = client.post("/notes", json={"title": "x"}, headers=tokens.headers("u7", ["member"]))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_missing_token_beats_body_validation(client):
    assert client.post("/notes", json={}).status_code == 401
