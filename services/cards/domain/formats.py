"""Canadian postal codes, North-American phone numbers and trainer card numbers."""
from __future__ import annotations

import re

from chassis.i18n import N_, _

# Canada Post: no D, F, I, O, Q, U anywhere; no W or Z as the first letter.
_POSTAL_CODE = re.compile(r"^([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z])(\d[ABCEGHJ-NPRSTV-Z]\d)$")
# NANP: area code and exchange both start with 2-9.
_PHONE_DIGITS = re.compile(r"^1?([2-9]\d{2})([2-9]\d{2})(\d{4})$")
# A trainer's card: 4 letters (3 of the last name + 1 of the first name), 3 digits, dash, 2 digits.
CARD_NUMBER = re.compile(r"^[a-z]{4}\d{3}-\d{2}$")
EXTENSION = re.compile(r"^\d{1,6}$")
INVALID_PHONE = N_("Numéro de téléphone invalide (ex. 514-555-1234).")


class FormatError(ValueError):
    """The value does not fit; ``str(error)`` is the message for the user, in the language of the moment."""


def normalize_postal_code(value: str) -> str:
    """``"h2x1y4"`` -> ``"H2X 1Y4"``; raises FormatError for anything that is not a Canadian code."""
    compact = re.sub(r"[\s-]", "", value or "").upper()
    match = _POSTAL_CODE.match(compact)
    if not match:
        raise FormatError(_("Code postal canadien invalide (ex. H2X 1Y4)."))
    return f"{match.group(1)} {match.group(2)}"


def normalize_phone(value: str) -> str:
    """Any common way of writing a North-American number -> ``"514-555-1234"``."""
    raw = (value or "").strip()
    if re.search(r"[^\d\s().+\-]", raw):
        raise FormatError(_(INVALID_PHONE))
    match = _PHONE_DIGITS.match(re.sub(r"\D", "", raw))
    if not match:
        raise FormatError(_(INVALID_PHONE))
    return "-".join(match.groups())


def normalize_extension(value: str | None) -> str | None:
    raw = (value or "").strip()
    if not raw:
        return None
    if not EXTENSION.match(raw):
        raise FormatError(_("Le poste ne contient que des chiffres (6 au plus)."))
    return raw


def normalize_card_number(value: str) -> str:
    """``"ETHC123-04"`` -> ``"ethc123-04"``; raises FormatError when the shape is wrong."""
    compact = (value or "").strip().lower()
    if not CARD_NUMBER.match(compact):
        raise FormatError(_("Numéro de carte invalide (ex. ethc123-04)."))
    return compact
