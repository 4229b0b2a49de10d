"""Jinja2 email templates: one set, ``templates/<name>.subject|.txt|.html``, written in French and translated
through the notifier's catalogue (English in ``translations/en``), French unless the person prefers English.

Each text is marked ``{{ _("Bonjour %(name)s,", name=...) }}`` (Jinja's i18n extension, new style: the values
are filled after translation, and escaped in HTML). Rendering happens inside ``speaking(language, ...)``, so
the words, the money (``8,00 $`` / ``$8.00``) and the dates follow the email's language. No web framework
here: the sender translates with ``chassis.i18n`` alone.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from babel.dates import format_time
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from chassis.i18n import (
    MONTREAL,
    Catalogue,
    _,
    format_date,
    format_money,
    locale,
    speaking,
    translate,
    translate_plural,
)
from chassis.i18n import language_of as _supported_language

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
CATALOGUE = Catalogue.of_service("notifier")

TEMPLATES = (
    "trainer_account_created",  # C1
    "password_reset",           # C2, P2
    "member_welcome",           # P1
    "invoice_issued",           # C10
    "payment_received",
    "cards_shipped",            # C11
    "house_admin_added",        # P4
    "access_granted",           # P6
    "account_dormancy_warning",  # Law 25 retention: a member's unused account
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
    """``fr`` or ``en`` (French for anything else): the language a message is staged and rendered in."""
    return _supported_language(value)


def _moment(value: str | datetime) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def local_datetime(value: str | datetime) -> str:
    """A moment on Montréal's clock in the language of the moment: ``1 décembre 2026 à 14 h 30``."""
    moment = _moment(value).astimezone(MONTREAL)
    return _("%(date)s à %(time)s", date=format_date(moment),
             time=format_time(moment, format="short", locale=locale()))


def local_date(value: str | datetime | date) -> str:
    """A day (``7 décembre 2026`` / ``December 7, 2026``); a moment is taken on Montréal's calendar."""
    return format_date(value)


def _strong(value) -> Markup:
    return Markup("<strong>%s</strong>") % value


def _link(url) -> Markup:
    return Markup('<a href="%s">%s</a>') % (url, url)


def _mailto(address) -> Markup:
    return Markup('<a href="mailto:%s">%s</a>') % (address, address)


def _environment() -> Environment:
    # auto_reload off: the templates ship with the code, so no stat of each template and layout at every render.
    environment = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), undefined=StrictUndefined,
                              autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
                              keep_trailing_newline=True, extensions=["jinja2.ext.i18n"], auto_reload=False)
    environment.install_gettext_callables(translate, translate_plural, newstyle=True)
    environment.filters.update(local_datetime=local_datetime, local_date=local_date, date=local_date,
                               strong=_strong, link=_link, mailto=_mailto)
    environment.globals["money"] = format_money  # in the language of the moment
    return environment


_ENV = _environment()


def render_subject(name: str, language: str, context: dict) -> str:
    language = language_of(language)
    with speaking(language, CATALOGUE):
        text = _ENV.get_template(f"{name}.subject").render(**_with_later_fields(name, context), lang=language)
    return " ".join(text.split())


def render_bodies(name: str, language: str, context: dict) -> tuple[str, str]:
    """(plain text, HTML) of the email."""
    language = language_of(language)
    values = dict(_with_later_fields(name, context), lang=language)
    with speaking(language, CATALOGUE):
        text = _ENV.get_template(f"{name}.txt").render(**values)
        html = _ENV.get_template(f"{name}.html").render(**values)
    return text, html
