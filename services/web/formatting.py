"""Money, dates and statuses as a Québec reader expects them, in the person's language."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from services.web.i18n import current_language, localize

MONTREAL = ZoneInfo("America/Montreal")
STATUS_LABELS = {
    "new": ("Nouvelle", "New"), "submitted": ("Soumise", "Submitted"), "invoiced": ("Facturée", "Invoiced"),
    "paid": ("Payée", "Paid"), "shipped": ("Expédiée", "Shipped"), "cancelled": ("Annulée", "Cancelled"),
    "open": ("Ouverte", "Open"), "void": ("Annulée", "Void"), "active": ("Actif", "Active"),
    "inactive": ("Inactif", "Inactive"), "valid": ("Valide", "Valid"), "revoked": ("Révoquée", "Revoked"),
    "replaced": ("Remplacée", "Replaced"), "sent": ("Envoyé", "Sent"), "pending": ("En attente", "Pending"),
    "failed": ("Échec", "Failed"),
}
METHOD_LABELS = {
    "credit_card": ("Carte de crédit", "Credit card"), "cheque": ("Par chèque", "By cheque"),
    "direct_deposit": ("Dépôt direct", "Direct deposit"),
}
BILLED_TO_LABELS = {"individual": ("Individu", "Individual"), "organization": ("Organisme", "Organization")}


def _pick(pair: tuple[str, str]) -> str:
    return pair[1] if current_language() == "en" else pair[0]


def money(value) -> str:
    """``Decimal("6")`` -> ``6,00 $`` (fr) or ``$6.00`` (en)."""
    try:
        amount = Decimal(str(value if value is not None else "0")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    grouped = f"{int(whole):,}"
    if current_language() == "en":
        return f"{sign}${grouped}.{cents}"
    nbsp = "\u00a0"
    return sign + grouped.replace(",", nbsp) + "," + cents + nbsp + "$"


def status_label(code: str | None, given: str | None = None) -> str:
    if code in STATUS_LABELS:
        return _pick(STATUS_LABELS[code])
    return localize(given or code or "")


def method_label(code: str | None) -> str:
    return _pick(METHOD_LABELS[code]) if code in METHOD_LABELS else (code or "")


def billed_to_label(code: str | None) -> str:
    return _pick(BILLED_TO_LABELS[code]) if code in BILLED_TO_LABELS else (code or "")


def label_of(entry: dict | None) -> str:
    """A reference entry's label in the person's language (``label`` / ``label_en``)."""
    if not entry:
        return ""
    if current_language() == "en" and entry.get("label_en"):
        return entry["label_en"]
    return entry.get("label") or entry.get("name") or entry.get("code") or ""


def when(value: str | None) -> str:
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if "T" not in value:
        return moment.strftime("%Y-%m-%d")
    if moment.tzinfo is not None:
        moment = moment.astimezone(MONTREAL)
    return moment.strftime("%Y-%m-%d %H:%M")


def options(items: list[dict], value: str = "id", label: str = "name") -> list[tuple[str, str]]:
    """``[{"id": 1, "name": "A"}]`` -> ``[("1", "A")]`` for a select."""
    return [(str(item.get(value)), item.get(label) or "") for item in items or []]
