"""Password hashing (argon2id, OWASP parameters) and temporary passwords.

OWASP's Password Storage Cheat Sheet: argon2id with m=19 MiB, t=2, p=1.
"""
from __future__ import annotations

import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 10
MAX_LENGTH = 128  # bounds the hashing cost of one request

HASHER = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1, hash_len=32, salt_len=16,
                        type=Type.ID)

# Hashed once: verifying an unknown user's attempt against it costs what a real check costs.
_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(24))

# No look-alike characters (0/O, 1/l/I) in passwords that people read from an email.
_TEMPORARY_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
TEMPORARY_LENGTH = 14


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; a missing hash still costs one verification (timing)."""
    try:
        return HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def spend_equivalent_time(password: str) -> None:
    """For an unknown account: do the work a real verification does, and fail."""
    verify_password(None, password)


def generate_temporary_password() -> str:
    return "".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(TEMPORARY_LENGTH))
