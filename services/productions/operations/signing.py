"""RS256 keys of the SET hand-off, owned by productions and kept in its database.

A key is created the first time one is needed (JWKS asked for, or a hand-off signed). Every
non-retired key is published, so tokens signed by a key created concurrently by another worker
still verify; the newest key signs. The private keys are stored as PEM, encrypted when
``PRODUCTIONS_KEY_PASSPHRASE`` is set.
"""
from __future__ import annotations

import json
import threading
import uuid

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from chassis.db import Database
from services.productions.db.models import SigningKey

ALGORITHM = "RS256"


class HandoffKeys:
    def __init__(self, db: Database, passphrase: bytes | None = None):
        self.db = db
        self.passphrase = passphrase
        self._private_keys: dict[str, rsa.RSAPrivateKey] = {}
        self._lock = threading.Lock()

    def jwks(self) -> dict:
        """``{"keys": [...]}``: the public keys SET verifies hand-off tokens with."""
        with self.db.transaction() as session:
            rows = self._live_keys(session)
            return {"keys": [row.public_jwk for row in rows]}

    def sign(self, claims: dict) -> str:
        with self.db.transaction() as session:
            newest = self._live_keys(session)[-1]
            kid, pem = newest.kid, newest.private_pem
        return jwt.encode(claims, self._private_key(kid, pem), algorithm=ALGORITHM, headers={"kid": kid})

    def public_key(self, kid: str):
        """The public key named ``kid``, or None when it is unknown or retired."""
        with self.db.reading() as session:
            row = session.get(SigningKey, kid)
            if row is None or row.retired_at is not None:
                return None
            return jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(row.public_jwk))

    def _live_keys(self, session) -> list[SigningKey]:
        rows = session.scalars(select(SigningKey).where(SigningKey.retired_at.is_(None))
                               .order_by(SigningKey.created_at, SigningKey.kid)).all()
        if not rows:
            rows = [self._create_key(session)]
        return list(rows)

    def _create_key(self, session) -> SigningKey:
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        kid = f"productions-{uuid.uuid4().hex[:16]}"
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private_key.public_key()))
        jwk.update({"kid": kid, "use": "sig", "alg": ALGORITHM})
        encryption = (serialization.BestAvailableEncryption(self.passphrase) if self.passphrase
                      else serialization.NoEncryption())
        pem = private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
        row = SigningKey(kid=kid, private_pem=pem.decode("ascii"), public_jwk=jwk)
        session.add(row)
        session.flush()
        with self._lock:
            self._private_keys[kid] = private_key
        return row

    def _private_key(self, kid: str, pem: str) -> rsa.RSAPrivateKey:
        with self._lock:
            key = self._private_keys.get(kid)
            if key is None:
                key = serialization.load_pem_private_key(pem.encode("ascii"), password=self.passphrase)
                self._private_keys[kid] = key
            return key
