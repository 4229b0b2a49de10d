"""Money, dates and statuses as a Québec reader expects them, in the person's language."""
from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from chassis.i18n import MONTREAL, N_, _, current_language, format_date, format_money

# One label per status, so no two statuses share a catalogue entry (and so an English word): a request
# is "Annulée" (cancelled), an invoice the platform voids is "Invalidée" (void).
STATUS_LABELS = {
    "new": N_("Nouvelle"), "submitted": N_("Soumise"), "invoiced": N_("Facturée"),
    "paid": N_("Payée"), "shipped": N_("Expédiée"), "cancelled": N_("Annulée"),
    "open": N_("Ouverte"), "void": N_("Invalidée"), "active": N_("Actif"),
    "inactive": N_("Inactif"), "valid": N_("Valide"), "revoked": N_("Révoquée"),
    "replaced": N_("Remplacée"), "sent": N_("Envoyé"), "pending": N_("En attente"),
    "failed": N_("Échec"),
}
METHOD_LABELS = {
    "credit_card": N_("Carte de crédit"), "cheque": N_("Par chèque"),
    "direct_deposit": N_("Dépôt direct"),
}
BILLED_TO_LABELS = {"individual": N_("Individu"), "organization": N_("Organisme")}


def money(value) -> str:
    """``Decimal("6")`` -> ``6,00 $`` (fr) or ``$6.00`` (en)."""
    try:
        amount = Decimal(str(value if value is not None else "0")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return str(value)
    return format_money(amount)


def status_label(code: str | None, given: str | None = None) -> str:
    """Our label of a known status; else the label the API gave (in our language already), else the code."""
    if code in STATUS_LABELS:
        return _(STATUS_LABELS[code])
    return given or code or ""


def method_label(code: str | None) -> str:
    return _(METHOD_LABELS[code]) if code in METHOD_LABELS else (code or "")


def billed_to_label(code: str | None) -> str:
    return _(BILLED_TO_LABELS[code]) if code in BILLED_TO_LABELS else (code or "")


def label_of(entry: dict | None) -> str:
    """A reference entry's label in the person's language (``label`` / ``label_en``)."""
    if not entry:
        return ""
    if current_language() == "en" and entry.get("label_en"):
        return entry["label_en"]
    return entry.get("label") or entry.get("name") or entry.get("code") or ""


def when(value: str | None) -> str:
    """An API date or moment as people read it: ``7 décembre 2026`` / ``December 7, 2026``, a moment with
    its time on Montréal's clock (``7 décembre 2026, 14:05``)."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if "T" not in value:
        return format_date(moment.date())
    if moment.tzinfo is not None:
        moment = moment.astimezone(MONTREAL)
    return f"{format_date(moment.date())}, {moment:%H:%M}"


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
    for _twice in range(2):  # "$6.00", "6,00 $", "6,00 $ CAD"
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
