"""Verification codes printed on attestations: unguessable, easy to read and to type back.

12 symbols of Crockford base32 (60 random bits), shown in groups: ``7K3M-QX9P-2HDR``.
Reading is forgiving: case, spaces, dashes and the look-alikes O/0, I/L/1 do not matter.
"""
from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return format_code(raw)


def format_code(raw: str) -> str:
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def canonical(code: str) -> str | None:
    """The stored form of what someone typed, or None when it cannot be a code at all."""
    compact = re.sub(r"[\s-]", "", (code or "").upper()).translate(_LOOKALIKES)
    if len(compact) != LENGTH or any(char not in ALPHABET for char in compact):
        return None
    return format_code(compact)
