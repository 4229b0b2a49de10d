"""Jinja2 email templates: ``templates/<lang>/<name>.subject|.txt|.html``, French unless the person prefers English."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
MONTREAL = ZoneInfo("America/Montreal")

TEMPLATES = (
    "trainer_account_created",  # C1
    "password_reset",           # C2, P2
    "member_welcome",           # P1
    "invoice_issued",           # C10
    "payment_received",
    "cards_shipped",            # C11
    "house_admin_added",        # P4
    "access_granted",           # P6
)


# Context fields added to a template after messages may have been staged without them (a message
# row keeps the context it was staged with): what such an older message shows instead.
_LATER_FIELDS = {
    "invoice_issued": lambda c: {"balance_is_zero": False, "invoice_url": c["site_url"],
                                 "bank_lines": [c["bank_details"]] if c.get("bank_details") else []},
    "cards_shipped": lambda c: {"session_url": c["site_url"], "organization_name": None, "activity": None,
                                "location": None, "end_date": None, "invoice_number": None, "delivery_lines": []},
    "house_admin_added": lambda c: {"house_url": c["site_url"]},
    "access_granted": lambda c: {"sheet_url": c["site_url"]},
    "password_reset": lambda c: {"password_revoked": False},
}


def _with_later_fields(name: str, context: dict) -> dict:
    later = _LATER_FIELDS.get(name)
    return {**later(context), **context} if later else context


def language_of(value: str | None) -> str:
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def money(value, language: str = DEFAULT_LANGUAGE) -> str:
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    if language == "en":
        return f"${amount:,.2f}"
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",") + " $"


def local_datetime(value: str | datetime) -> str:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(MONTREAL).strftime("%Y-%m-%d %H:%M")


def local_date(value: str | datetime) -> str:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(MONTREAL).strftime("%Y-%m-%d")


def _environment() -> Environment:
    environment = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), undefined=StrictUndefined,
                              autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
                              keep_trailing_newline=True)
    environment.filters["local_datetime"] = local_datetime
    environment.filters["local_date"] = local_date
    return environment


_ENV = _environment()


def render_subject(name: str, language: str, context: dict) -> str:
    language = language_of(language)
    context = _with_later_fields(name, context)
    text = _ENV.get_template(f"{language}/{name}.subject").render(**context, lang=language,
                                                                   money=lambda v: money(v, language))
    return " ".join(text.split())


def render_bodies(name: str, language: str, context: dict) -> tuple[str, str]:
    """(plain text, HTML) of the email."""
    language = language_of(language)
    values = dict(_with_later_fields(name, context), lang=language, money=lambda v: money(v, language))
    text = _ENV.get_template(f"{language}/{name}.txt").render(**values)
    html = _ENV.get_template(f"{language}/{name}.html").render(**values)
    return text, html
