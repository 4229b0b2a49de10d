"""What stands for a person once their account is anonymized: a random pseudonym, not derived from
anything of theirs (so it cannot be recomputed from their id or email)."""
from __future__ import annotations

import secrets

PREFIX = "anonyme-"
# The address an anonymized account keeps: unique (``email_key``), and a reserved domain that never delivers.
DOMAIN = "anonymized.invalid"


def new_pseudonym() -> str:
    return PREFIX + secrets.token_hex(6)


def pseudonym_email(pseudonym: str) -> str:
    return f"{pseudonym}@{DOMAIN}"
