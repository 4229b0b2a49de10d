"""Money, dates and statuses as a Québec reader expects them, in the person's language."""
from __future__ import annotations

import re
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


def reference_label(code: str | None, entries: list[dict] | None) -> str:
    """A reference code (a participant's title "mme") -> its label in the person's language ("Mme" / "Ms.")."""
    for entry in entries or []:
        if entry.get("code") == code:
            return label_of(entry)
    return code or ""


# An amount as people type it: "6,00", "6.00", "6 000,50", "1,234.56", "$6.00", "6,00 $", "6 $ CAD".
_CURRENCY = re.compile(r"(?i)^(?:ca?\$|\$|cad)\s*|\s*(?:ca?\$|\$|cad)(?:\s*cad)?$")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_GROUPED = re.compile(r"^\d{1,3}(?:(?P<sep>[ ,.])\d{3})(?:(?P=sep)\d{3})*$")


def parse_money(text: str | None) -> Decimal | None:
    """A French or English amount -> ``Decimal`` with two places; ``None`` when it is not an amount.

    The decimal separator is the last "," or "." when two digits or fewer follow it; spaces,
    non-breaking spaces and the other separator group thousands ("6 000,50", "6,000.50"). A lone
    separator followed by exactly three digits is a thousands group ("1,000" and "1 000" are 1000).
    """
    value = _SPACES.sub(" ", (text or "").strip())
    for _ in range(2):  # "$6.00", "6,00 $", "6,00 $ CAD"
        value = _CURRENCY.sub("", value).strip()
    if not value or len(value) > 32:
        return None
    whole, cents = value, ""
    decimal_at = max(value.rfind(","), value.rfind("."))
    if decimal_at != -1 and 1 <= len(value) - decimal_at - 1 <= 2:
        whole, cents = value[:decimal_at], value[decimal_at + 1:]
        if not cents.isdigit():
            return None
    whole = whole.strip()
    if not whole.isdigit():
        grouped = _GROUPED.match(whole)
        if not grouped or (cents and grouped.group("sep") == value[decimal_at]):
            return None
        whole = re.sub(r"[ ,.]", "", whole)
    try:
        return Decimal(f"{int(whole)}.{cents or '0'}").quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None
