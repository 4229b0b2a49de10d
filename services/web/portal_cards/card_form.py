"""The credit-card fields of a form, checked enough to show field errors; never stored or logged."""
from __future__ import annotations

from services.web.i18n import tr


def card_from_form(form) -> tuple[dict | None, dict[str, str]]:
    number = "".join(ch for ch in (form.get("card.number") or "") if ch.isdigit())
    holder = (form.get("card.holder") or "").strip()
    cvc = (form.get("card.cvc") or "").strip()
    month, year = (form.get("card.exp_month") or "").strip(), (form.get("card.exp_year") or "").strip()
    errors: dict[str, str] = {}
    if not 12 <= len(number) <= 19:
        errors["card.number"] = tr("Numéro de carte invalide.", "Invalid card number.")
    if not holder:
        errors["card.holder"] = tr("Champ obligatoire.", "Required field.")
    if not (month.isdigit() and 1 <= int(month) <= 12):
        errors["card.exp_month"] = tr("Mois de 1 à 12.", "Month from 1 to 12.")
    if not (year.isdigit() and len(year) in (2, 4)):
        errors["card.exp_year"] = tr("Année invalide (AAAA).", "Invalid year (YYYY).")
    if not (cvc.isdigit() and len(cvc) in (3, 4)):
        errors["card.cvc"] = tr("3 ou 4 chiffres.", "3 or 4 digits.")
    if errors:
        return None, errors
    full_year = int(year) + 2000 if len(year) == 2 else int(year)
    return {"number": number, "holder": holder[:100], "cvc": cvc, "exp_month": int(month),
            "exp_year": full_year}, {}
