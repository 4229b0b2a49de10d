"""French first, English on request: the person's language, page text, and API messages translated.

Page text is written in the templates as ``tr("Français", "English")``. API messages follow the
platform's habit ``"Texte. / Text."`` and are cut to the person's half; the common marshmallow
messages (English only) go through ``CATALOGUE``.
"""
from __future__ import annotations

import re

from flask import request, session

LANGUAGES = ("fr", "en")

# English marshmallow / webargs messages -> (fr, en). Patterns keep the numbers they carry.
CATALOGUE: list[tuple[re.Pattern, str, str]] = [
    (re.compile(r"^Missing data for required field\.$"), "Champ obligatoire.", "Required field."),
    (re.compile(r"^Field may not be null\.$"), "Champ obligatoire.", "Required field."),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"), "Au moins {0} caractères.", "At least {0} characters."),
    (re.compile(r"^Longer than maximum length (\d+)\.$"), "Au plus {0} caractères.", "At most {0} characters."),
    (re.compile(r"^Length must be between (\d+) and (\d+)\.$"), "Entre {0} et {1} caractères.",
     "Between {0} and {1} characters."),
    (re.compile(r"^Not a valid email address\.$"), "Adresse courriel invalide.", "Not a valid email address."),
    (re.compile(r"^Not a valid date\.$"), "Date invalide (AAAA-MM-JJ).", "Not a valid date (YYYY-MM-DD)."),
    (re.compile(r"^Not a valid integer\.$"), "Nombre entier attendu.", "Not a valid integer."),
    (re.compile(r"^Not a valid number\.$"), "Nombre attendu.", "Not a valid number."),
    (re.compile(r"^Not a valid string\.$"), "Texte attendu.", "Not a valid string."),
    (re.compile(r"^Not a valid boolean\.$"), "Valeur oui/non attendue.", "Not a valid boolean."),
    (re.compile(r"^Must be one of: .*$"), "Choisissez une valeur de la liste.", "Choose a value from the list."),
    (re.compile(r"^Unknown field\.$"), "Champ inconnu.", "Unknown field."),
    (re.compile(r"^Invalid value\.$"), "Valeur invalide.", "Invalid value."),
    (re.compile(r"^String does not match expected pattern\.$"), "Format invalide.", "Invalid format."),
    (re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
     "Entre {0} et {1}.", "Between {0} and {1}."),
]


def current_language() -> str:
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return "fr"


def tr(fr: str, en: str) -> str:
    return en if current_language() == "en" else fr


def localize(message: str, language: str | None = None) -> str:
    """One message in the person's language: ``"Texte. / Text."`` halves, or the catalogue."""
    language = language or current_language()
    message = (message or "").strip()
    if " / " in message:
        french, english = message.split(" / ", 1)
        return english.strip() if language == "en" else french.strip()
    for pattern, french, english in CATALOGUE:
        match = pattern.match(message)
        if match:
            return (english if language == "en" else french).format(*match.groups())
    return message


def localize_fields(fields: dict[str, list[str]]) -> dict[str, list[str]]:
    return {name: [localize(m) for m in messages] for name, messages in fields.items()}


def switch_target() -> str:
    return "en" if current_language() == "fr" else "fr"


def safe_next(default: str = "/") -> str:
    """A local path to come back to (never another site)."""
    target = request.args.get("next") or request.form.get("next") or ""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
