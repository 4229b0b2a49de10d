"""Comparing people's names the way a person would: ignoring case, accents and punctuation."""
from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-‐‑–—'’`.]+")


def fold(value: str) -> str:
    """``"  Éthier-Côté "`` -> ``"ethier cote"``: lowercase, no accents, one space between words."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SEPARATORS.sub(" ", bare.casefold()).strip()


def person_key(first_name: str, last_name: str) -> str:
    """The identity of a person's names inside a session (with the birth date beside it)."""
    return f"{fold(first_name)}|{fold(last_name)}"


def collapse_spaces(value: str) -> str:
    return " ".join((value or "").split())
