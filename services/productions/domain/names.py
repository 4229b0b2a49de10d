"""Comparing names the way people do: case- and accent-insensitive, spaces collapsed."""
from __future__ import annotations

import unicodedata


def tidy(text: str) -> str:
    """Trimmed, inner runs of whitespace collapsed to one space."""
    return " ".join(text.split())


def comparison_key(text: str) -> str:
    """``"  Productions  Éole "`` and ``"productions eole"`` give the same key."""
    decomposed = unicodedata.normalize("NFKD", tidy(text))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return stripped.casefold()


def user_search_key(first_name: str, last_name: str, email: str) -> str:
    """What the type-ahead matches against: both names in both orders, and the email."""
    return comparison_key(f"{first_name} {last_name} | {last_name} {first_name} | {email}")
