"""Access tokens: what is refused (401), and key rotation that logs nobody out."""
import base64
import json
import time
import uuid
from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from sqlalchemy import select, update

from services.auth import cli
from services.auth.db.models import SigningKey
from services.auth.db.types import utcnow
from tests.auth.conftest import bearer, member_token


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(user_id: str, **overrides) -> dict:
    now = int(time.time())
    claims = {"sub": user_id, "roles": ["member"], "iat": now, "exp": now + 900, "jti": uuid.uuid4().hex,
              "iss": "guichet-auth", "aud": "guichet"}
    claims.update(overrides)
    return claims


def _current_kid(client) -> str:
    return client.get("/.well-known/jwks.json").get_json()["keys"][0]["kid"]


def _sign_with_server_key(db, kid: str, claims: dict) -> str:
    with db.reading() as session:
        pem = session.get(SigningKey, kid).private_key_pem
    private_key = serialization.load_pem_private_key(pem.encode(), password=None)
    return jwt.encode(claims, private_key, algorithm="RS256", headers={"kid": kid})


def test_no_token_and_garbage_are_401(client):
    assert client.get("/me").status_code == 401
    assert client.get("/me", headers={"Authorization": "Basic abc"}).status_code == 401
    response = client.get("/me", headers=bearer("not.a.jwt"))
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


def test_expired_token_is_401_but_the_same_key_signs_valid_ones(client, db):
    user, token = member_token(client)
    kid = jwt.get_unverified_header(token)["kid"]
    now = int(time.time())
    expired = _sign_with_server_key(db, kid, _claims(user["id"], iat=now - 3600, exp=now - 1800))
    fresh = _sign_with_server_key(db, kid, _claims(user["id"]))
    assert client.get("/me", headers=bearer(expired)).status_code == 401
    assert client.get("/me", headers=bearer(fresh)).status_code == 200


@pytest.mark.parametrize("claim, value", [("iss", "someone-else"), ("aud", "other-audience")])
def test_wrong_issuer_or_audience_is_401(client, db, claim, value):
    user, token = member_token(client)
    kid = jwt.get_unverified_header(token)["kid"]
    assert client.get("/me", headers=bearer(_sign_with_server_key(db, kid, _claims(user["id"], **{claim: value})))
                      ).status_code == 401


def test_tampered_signature_and_tampered_claims_are_401(client):
    user, token = member_token(client)
    header, payload, signature = token.split(".")
    flipped = signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")
    assert client.get("/me", headers=bearer(f"{header}.{payload}.{flipped}")).status_code == 401
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["roles"] = ["cards_staff"]
    assert client.get("/me", headers=bearer(f"{header}.{_b64(claims)}.{signature}")).status_code == 401


def test_alg_none_is_401(client):
    user, token = member_token(client)
    kid = jwt.get_unverified_header(token)["kid"]
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': kid})}.{_b64(_claims(user['id']))}."
    assert client.get("/me", headers=bearer(unsigned)).status_code == 401


def test_hs256_signed_with_the_public_key_is_401(client):
    user, token = member_token(client)
    jwk = client.get("/.well-known/jwks.json").get_json()["keys"][0]
    public_pem = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(jwk)).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    header = {"alg": "HS256", "typ": "JWT", "kid": jwk["kid"]}
    signing_input = f"{_b64(header)}.{_b64(_claims(user['id']))}"
    import hashlib
    import hmac
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    forged = signing_input + "." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
    assert client.get("/me", headers=bearer(forged)).status_code == 401


def test_jwks_serves_public_keys_only(client):
    body = client.get("/.well-known/jwks.json").get_json()
    assert body["keys"]
    for key in body["keys"]:
        assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig" and key["kid"]
        assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)


def test_key_rotation_keeps_old_tokens_valid_until_they_expire(client, db, monkeypatch, capsys):
    user, old_token = member_token(client)
    old_kid = jwt.get_unverified_header(old_token)["kid"]
    monkeypatch.setenv("AUTH_DATABASE_URL", db.url)
    assert cli.main(["rotate-key"]) == 0
    new_kid = capsys.readouterr().out.strip().rsplit(" ", 1)[-1]
    assert new_kid != old_kid

    served = {key["kid"] for key in client.get("/.well-known/jwks.json").get_json()["keys"]}
    assert {old_kid, new_kid} <= served
    assert client.get("/me", headers=bearer(old_token)).status_code == 200
    from tests.auth.conftest import login
    new_token = login(client, user["email"]).get_json()["access_token"]
    assert jwt.get_unverified_header(new_token)["kid"] == new_kid
    assert client.get("/me", headers=bearer(new_token)).status_code == 200

    # Once every token the old key signed has expired, the JWKS stops serving it.
    with db.transaction() as session:
        session.execute(update(SigningKey).where(SigningKey.kid == old_kid)
                        .values(retired_at=utcnow() - timedelta(hours=1)))
    served = {key["kid"] for key in client.get("/.well-known/jwks.json").get_json()["keys"]}
    assert old_kid not in served and new_kid in served
    assert client.get("/me", headers=bearer(old_token)).status_code == 401
    with db.reading() as session:
        assert session.scalar(select(SigningKey.kid).where(SigningKey.kid == new_kid)) == new_kid


def test_with_a_passphrase_new_keys_are_encrypted_at_rest_and_still_sign(db_url, db):
    from services.auth.app import create_app
    from tests.auth.conftest import auth_config, login, register

    app = create_app(auth_config(db_url, KEY_PASSPHRASE="a long key passphrase"), db=db)
    kid = app.extensions["auth"].keys.rotate()
    with db.reading() as session:
        row = session.get(SigningKey, kid)
        assert row.encrypted is True and row.private_key_pem.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
        with pytest.raises(TypeError):  # useless without the passphrase
            serialization.load_pem_private_key(row.private_key_pem.encode(), password=None)
    client = app.test_client()
    user = register(client)
    token = login(client, user["email"]).get_json()["access_token"]
    assert jwt.get_unverified_header(token)["kid"] == kid
    assert client.get("/me", headers=bearer(token)).status_code == 200
