"""Trainer card numbers and usernames (C1).

A card number is 4 lowercase letters (first 3 letters of the last name + first letter of the first
name), 3 digits, a dash and a 2-digit suffix: ``ethc123-04``. The username is the card number
without its suffix: ``ethc123``.
"""
from __future__ import annotations

import re

CARD_NUMBER = re.compile(r"^[a-z]{4}[0-9]{3}-[0-9]{2}$")
USERNAME = re.compile(r"^[a-z]{4}[0-9]{3}$")


def normalize_card_number(value: str) -> str:
    return value.strip().lower()


def is_card_number(value: str) -> bool:
    return bool(CARD_NUMBER.match(normalize_card_number(value)))


def is_username(value: str) -> bool:
    return bool(USERNAME.match(value.strip().lower()))


def username_from_card(card_number: str) -> str:
    """``"ethc123-04"`` -> ``"ethc123"``; raises ValueError for a malformed card number."""
    card = normalize_card_number(card_number)
    if not CARD_NUMBER.match(card):
        raise ValueError(f"not a card number: {card_number!r}")
    return card.split("-", 1)[0]


def username_for_login(value: str) -> str | None:
    """What a trainer may type to log in or reset: the username, or the full card number."""
    text = value.strip().lower()
    if CARD_NUMBER.match(text):
        return text.split("-", 1)[0]
    if USERNAME.match(text):
        return text
    return None
