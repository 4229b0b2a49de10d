"""Minting test tokens with a throw-away RSA key, for services' own tests."""
from __future__ import annotations

import json
import time
import uuid

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from chassis.tokens import StaticJwksClient, TokenVerifier


class TokenFactory:
    def __init__(self, issuer: str = "guichet-auth", audience: str = "guichet", kid: str = "test-key"):
        self.issuer, self.audience, self.kid = issuer, audience, kid
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private_key.public_key()))
        jwk.update({"kid": kid, "use": "sig", "alg": "RS256"})
        self.jwks = {"keys": [jwk]}

    def verifier(self) -> TokenVerifier:
        return TokenVerifier(StaticJwksClient(self.jwks), self.issuer, self.audience)

    def token(self, user_id: str, roles: list[str], ttl: int = 900, **extra) -> str:
        now = int(time.time())
        claims = {"sub": str(user_id), "roles": roles, "iat": now, "exp": now + ttl, "jti": uuid.uuid4().hex,
                  "iss": self.issuer, "aud": self.audience, **extra}
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": self.kid})

    def headers(self, user_id: str, roles: list[str], **extra) -> dict:
        return {"Authorization": f"Bearer {self.token(user_id, roles, **extra)}"}
