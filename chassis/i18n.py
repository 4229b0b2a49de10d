"""Both languages through gettext: French is the source text and the default, English comes from catalogues.

Every message a person reads (API errors, pages, emails, PDFs) is written in French in the code and marked
``_("...")``; its English lives in the catalogue of the folder that says it:
``<folder>/translations/en/LC_MESSAGES/messages.po`` (``services/<name>/`` and ``chassis/``), compiled to
``.mo`` by ``./guichet install`` (``python -m chassis.i18n_catalogues compile``). ``docs/contributing.md``
says how to add or change a string.

The language of the moment is a context variable: a web request sets it from ``Accept-Language`` (or the
person's choice) and ``chassis.http.i18n`` clears it after; a worker that writes to a person (an email,
an invoice) says ``with speaking(language, catalogue):``. This module loads no web framework: workers
and relays translate without Flask.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from gettext import NullTranslations
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from chassis.money import CURRENCY, to_money

if TYPE_CHECKING:
    from babel import Locale
    from babel.support import LazyProxy

# Babel is imported where it is used: a worker that only raises French messages never loads it (memory at rest).

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
# Canadian French and Canadian English: "8,00 $" and "$8.00", "7 décembre 2026" and "December 7, 2026".
LOCALES = {"fr": "fr_CA", "en": "en_CA"}
MONTREAL = ZoneInfo("America/Montreal")
DOMAIN = "messages"
CHASSIS_TRANSLATIONS = Path(__file__).resolve().parent / "translations"
SERVICES_FOLDER = Path(__file__).resolve().parent.parent / "services"


@dataclass(frozen=True)
class Catalogue:
    """The translation folders one process reads, its own first, then chassis's (the shared messages)."""

    folders: tuple[Path, ...]

    @classmethod
    def of_service(cls, service: str) -> Catalogue:
        return cls((SERVICES_FOLDER / service / "translations", CHASSIS_TRANSLATIONS))

    def translations(self, language: str) -> NullTranslations:
        return _load(self.folders, language)


CHASSIS_ONLY = Catalogue((CHASSIS_TRANSLATIONS,))


class _French(NullTranslations):
    """The source text as it is, with French plurals: 0 and 1 take the singular ("0 participant")."""

    def ngettext(self, singular: str, plural: str, number: int) -> str:
        return singular if abs(number) < 2 else plural


@lru_cache(maxsize=64)
def _load(folders: tuple[Path, ...], language: str) -> NullTranslations:
    if language == DEFAULT_LANGUAGE:  # the source text is French: nothing to look up
        return _French()
    from babel.support import Translations

    merged: Translations | None = None
    for folder in reversed(folders):  # the last merged wins: the process's own folder over chassis's
        loaded = Translations.load(str(folder), [language], DOMAIN)
        if not isinstance(loaded, Translations):
            continue  # no compiled catalogue there (a folder without English strings)
        merged = loaded if merged is None else merged.merge(loaded)
    return merged or NullTranslations()


_speaking: ContextVar[tuple[str, Catalogue]] = ContextVar("speaking", default=(DEFAULT_LANGUAGE, CHASSIS_ONLY))


def language_of(value: str | None) -> str:
    """A supported language, French for anything else (absent, unknown, malformed)."""
    value = (value or "").strip().lower()[:2]
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def negotiate(accept_language: str | None) -> str:
    """The best of ``LANGUAGES`` for an ``Accept-Language`` header; French when none is acceptable."""
    from werkzeug.datastructures import LanguageAccept  # werkzeug alone, no Flask
    from werkzeug.http import parse_accept_header

    accepted = parse_accept_header(accept_language or "", LanguageAccept)
    return accepted.best_match(LANGUAGES, default=DEFAULT_LANGUAGE) or DEFAULT_LANGUAGE


def current_language() -> str:
    return _speaking.get()[0]


def current_catalogue() -> Catalogue:
    return _speaking.get()[1]


def start_speaking(language: str, catalogue: Catalogue):
    """Sets the language until ``stop_speaking(token)`` (for frameworks' before/after hooks)."""
    return _speaking.set((language_of(language), catalogue))


def stop_speaking(token) -> None:
    _speaking.reset(token)


@contextmanager
def speaking(language: str | None, catalogue: Catalogue | None = None) -> Iterator[str]:
    """Everything translated inside the block is in ``language`` (French when it is not supported)."""
    token = start_speaking(language_of(language), catalogue or current_catalogue())
    try:
        yield current_language()
    finally:
        stop_speaking(token)


def translate(message: str) -> str:
    """The message in the current language, without filling its placeholders."""
    return current_catalogue().translations(current_language()).gettext(message)


def gettext(message: str, **variables) -> str:
    """``_("Bonjour %(name)s.", name=...)``: translated, then filled (``%(name)s`` placeholders)."""
    translated = translate(message)
    return translated % variables if variables else translated


_ = gettext


def translate_plural(singular: str, plural: str, number: int) -> str:
    """The form for ``number`` in the current language, without filling its placeholders."""
    return current_catalogue().translations(current_language()).ngettext(singular, plural, number)


def ngettext(singular: str, plural: str, number: int, **variables) -> str:
    """``ngettext("%(num)d carte", "%(num)d cartes", n)``: the right form, filled."""
    return translate_plural(singular, plural, number) % {"num": number, **variables}


def lazy_gettext(message: str, **variables) -> LazyProxy:
    """For text fixed at import time (a module constant): translated each time it is read."""
    from babel.support import LazyProxy

    return LazyProxy(gettext, message, enable_cache=False, **variables)


def N_(message: str) -> str:  # noqa: N802 (gettext's conventional name)
    """Marks a message for the catalogue where it is kept untranslated (translated later, by ``_(name)``)."""
    return message


def locale(language: str | None = None) -> Locale:
    return _locale(LOCALES[language_of(language or current_language())])


@cache
def _locale(identifier: str) -> Locale:
    """One ``Locale`` a locale for the process: Babel keeps a locale's data on the object, so a fresh one at
    every call read the locale data again (half the time of a ``format_money``)."""
    from babel import Locale

    return Locale.parse(identifier)


def format_money(amount, language: str | None = None) -> str:
    """``8,00 $`` in French, ``$8.00`` in English (Canadian dollars)."""
    return _money_text(str(to_money(amount)), LOCALES[language_of(language or current_language())])


@lru_cache(maxsize=4096)
def _money_text(amount: str, identifier: str) -> str:
    """Babel's text of an amount (its exact text as the key, so ``-0.00`` stays apart from ``0.00``): the same
    few prices and totals come back on every invoice and email, at ~40 µs of Babel each."""
    from babel.numbers import format_currency

    return format_currency(Decimal(amount), CURRENCY, locale=_locale(identifier))


def format_number(value, language: str | None = None) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=locale(language))


def format_date(value: date | datetime | str, language: str | None = None, form: str = "long") -> str:
    """``7 décembre 2026`` / ``December 7, 2026`` (``form``: Babel's short, medium, long or full); a moment
    is shown on Montréal's calendar."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value or " " in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = (value.astimezone(MONTREAL) if value.tzinfo else value).date()
    from babel.dates import format_date as babel_format_date

    return babel_format_date(value, format=form, locale=locale(language))
