"""Removing card data from any text: log lines, exception reports, error messages.

A run of 12 to 19 digits (spaces or dashes allowed between them) that passes Luhn is a card
number; values under keys such as ``cvc`` or ``number`` of a card are dropped whole.
"""
from __future__ import annotations

import re

from services.billing.domain.cards import luhn_valid, normalize_number

MASK = "[card redacted]"  # a marker in logs, for operators
SENSITIVE_KEYS = {"card", "card_number", "number", "cvc", "cvv", "cvc2", "pan", "exp_month", "exp_year"}
_CANDIDATE = re.compile(r"(?<!\d)(?:\d[ -]?){11,18}\d(?!\d)")


def scrub_text(text: str) -> str:
    def replace(match: re.Match) -> str:
        return MASK if luhn_valid(normalize_number(match.group(0))) else match.group(0)

    return _CANDIDATE.sub(replace, text)


def scrub_value(value, key: str | None = None):
    if key is not None and key.lower() in SENSITIVE_KEYS and isinstance(value, (str, int, dict)):
        if key.lower() == "number" and not (isinstance(value, str) and luhn_valid(normalize_number(value))):
            return value  # an invoice number, not a card number
        return MASK
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {k: scrub_value(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(scrub_value(v) for v in value)
    return value


def scrub_log_event(_logger, _method, event_dict: dict) -> dict:
    """structlog processor: runs after ``format_exc_info`` so exception text is scrubbed too."""
    return {key: scrub_value(value, key) for key, value in event_dict.items()}
