"""RS256 signing keys kept in auth's database: creation, rotation, the JWKS, signing.

The newest key that is not retired signs. ``rotate`` creates a new key and retires the others;
a retired key stays in the JWKS for ``access_token_ttl + GRACE`` so the tokens it signed remain
valid until they expire: rotation logs nobody out. Private keys are PEM (PKCS#8), encrypted with
``AUTH_KEY_PASSPHRASE`` when it is set, and never served.
"""
from __future__ import annotations

import json
import threading
import uuid
from datetime import timedelta

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from chassis.db import Database
from chassis.logging import get_logger
from services.auth.db.models import SigningKey
from services.auth.db.types import utcnow

GRACE_SECONDS = 120  # beyond the access-token lifetime: clock skew and verifiers' leeway
KEY_SIZE = 2048



class KeyStore:
    def __init__(self, db: Database, passphrase: str = "", access_token_ttl: int = 900):
        self.db = db
        self.passphrase = passphrase
        self.access_token_ttl = access_token_ttl
        self._private_keys: dict[str, rsa.RSAPrivateKey] = {}
        self._lock = threading.Lock()

    # --- keys -------------------------------------------------------------------------------
    def _new_key(self) -> SigningKey:
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
        kid = uuid.uuid4().hex
        encryption = (serialization.BestAvailableEncryption(self.passphrase.encode())
                      if self.passphrase else serialization.NoEncryption())
        if not self.passphrase:
            get_logger("auth").warning("signing_key_unencrypted", kid=kid,
                         hint="set AUTH_KEY_PASSPHRASE to encrypt signing keys at rest")
        pem = private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private_key.public_key()))
        jwk.update({"kid": kid, "use": "sig", "alg": "RS256"})
        self._private_keys[kid] = private_key
        return SigningKey(kid=kid, private_key_pem=pem.decode(), encrypted=bool(self.passphrase), public_jwk=jwk,
                          created_at=utcnow(), retired_at=None)

    @staticmethod
    def _active(session: Session) -> SigningKey | None:
        return session.scalars(select(SigningKey).where(SigningKey.retired_at.is_(None))
                               .order_by(SigningKey.created_at.desc(), SigningKey.kid).limit(1)).first()

    def ensure_key(self) -> SigningKey:
        """The signing key; the first one is created when none exists."""
        key = self._read_active()
        if key is not None:
            return key
        try:
            with self.db.transaction() as session:
                if self._active(session) is None:
                    session.add(self._new_key())
        except IntegrityError:  # pragma: no cover - two workers raced; either key is fine
            pass
        return self._read_active()

    def _read_active(self) -> SigningKey | None:
        with self.db.reading() as session:
            key = self._active(session)
            if key is not None:
                session.expunge(key)
            return key

    def rotate(self) -> str:
        """A new signing key; the previous ones are retired (still served until their tokens expire)."""
        new_key = self._new_key()
        with self.db.transaction() as session:
            now = utcnow()
            for key in session.scalars(select(SigningKey).where(SigningKey.retired_at.is_(None))):
                key.retired_at = now
            session.add(new_key)
            cutoff = now - timedelta(seconds=self.access_token_ttl + GRACE_SECONDS)
            for old in session.scalars(select(SigningKey).where(SigningKey.retired_at < cutoff)):
                session.delete(old)  # nothing it signed can still be valid
        get_logger("auth").info("signing_key_rotated", kid=new_key.kid)
        return new_key.kid

    # --- JWKS and signing ----------------------------------------------------------------------
    def jwks(self) -> dict:
        """The public keys that may have signed a token still valid now."""
        cutoff = utcnow() - timedelta(seconds=self.access_token_ttl + GRACE_SECONDS)
        with self.db.reading() as session:
            keys = session.scalars(select(SigningKey)
                                   .where(or_(SigningKey.retired_at.is_(None), SigningKey.retired_at > cutoff))
                                   .order_by(SigningKey.created_at.desc())).all()
            return {"keys": [dict(key.public_jwk) for key in keys]}

    def _private_key(self, key: SigningKey) -> rsa.RSAPrivateKey:
        with self._lock:
            cached = self._private_keys.get(key.kid)
            if cached is None:
                password = self.passphrase.encode() if key.encrypted else None
                cached = serialization.load_pem_private_key(key.private_key_pem.encode(), password=password)
                self._private_keys[key.kid] = cached
            return cached

    def sign(self, claims: dict) -> str:
        key = self.ensure_key()
        return jwt.encode(claims, self._private_key(key), algorithm="RS256", headers={"kid": key.kid})

