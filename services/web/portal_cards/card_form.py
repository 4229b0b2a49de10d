"""The credit-card fields of a form, fully checked before anything is submitted; never stored or logged.

The same rules as billing's card schema (Luhn, not expired in America/Montreal, 3-4 digit CVC, a
holder): a card that billing would refuse must not first submit the request and issue an invoice.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from chassis.i18n import _

# The fields of the card box; the number and the CVC are never sent back into a page.
CARD_FIELDS = ("card.holder", "card.number", "card.exp_month", "card.exp_year", "card.cvc")
ECHOED_FIELDS = ("card.holder", "card.exp_month", "card.exp_year")
MONTREAL = ZoneInfo("America/Montreal")


def montreal_today() -> date:
    return datetime.now(MONTREAL).date()


def luhn_valid(number: str) -> bool:
    """The checksum every card number carries (ISO/IEC 7812)."""
    if not number.isdigit() or not 12 <= len(number) <= 19:
        return False
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char) * (2 if index % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def card_from_form(form, today: date | None = None) -> tuple[dict | None, dict[str, str]]:
    raw_number = form.get("card.number") or ""
    number = "".join(ch for ch in raw_number if ch.isdigit())
    holder = (form.get("card.holder") or "").strip()
    cvc = (form.get("card.cvc") or "").strip()
    month, year = (form.get("card.exp_month") or "").strip(), (form.get("card.exp_year") or "").strip()
    errors: dict[str, str] = {}
    if not number:
        errors["card.number"] = _("Champ obligatoire.")
    elif any(not (ch.isdigit() or ch in " -") for ch in raw_number) or not luhn_valid(number):
        errors["card.number"] = _("Numéro de carte invalide.")
    if not holder:
        errors["card.holder"] = _("Champ obligatoire.")
    elif len(holder) > 100:
        errors["card.holder"] = _("Au plus 100 caractères.")
    if not (month.isdigit() and 1 <= int(month) <= 12):
        errors["card.exp_month"] = _("Mois de 1 à 12.")
    if not (year.isdigit() and len(year) in (2, 4)):
        errors["card.exp_year"] = _("Année invalide (AAAA).")
    if not (cvc.isdigit() and len(cvc) in (3, 4)):
        errors["card.cvc"] = _("3 ou 4 chiffres.")
    full_year = (int(year) + 2000 if len(year) == 2 else int(year)) if "card.exp_year" not in errors else 0
    if "card.exp_month" not in errors and "card.exp_year" not in errors:
        today = today or montreal_today()
        if (full_year, int(month)) < (today.year, today.month):   # good through its expiry month
            errors["card.exp_year"] = _("La carte est expirée.")
    if errors:
        return None, errors
    return {"number": number, "holder": holder, "cvc": cvc, "exp_month": int(month), "exp_year": full_year}, {}
