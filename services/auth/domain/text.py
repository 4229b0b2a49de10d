"""Normalising what people type: emails, and names for accent-insensitive search."""
from __future__ import annotations

import unicodedata


def normalize_email(email: str) -> str:
    """The uniqueness key of an email: trimmed and case-folded (emails are unique case-insensitively)."""
    return email.strip().lower()


def fold(text: str) -> str:
    """Lower case without accents: ``"Éthier"`` -> ``"ethier"`` (used for prefix search)."""
    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def search_terms(query: str) -> list[str]:
    """The words of a directory query, folded; each must prefix one of the name or email fields."""
    return [fold(word) for word in query.split() if word.strip()][:5]
