"""The participant record (C7): every field checked and normalized in one place.

Used by the JSON endpoints and by the CSV import alike, so both give the same messages.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from chassis.i18n import N_, _
from services.cards.domain.dates import check_birth_date
from services.cards.domain.formats import FormatError, normalize_extension, normalize_phone
from services.cards.domain.text import collapse_spaces, fold

NAME_MAX = 100
FIELDS = ("title", "first_name", "last_name", "birth_date", "phone", "phone_ext")
REQUIRED = ("title", "first_name", "last_name", "birth_date", "phone")
MISSING = N_("Champ obligatoire.")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y/%m/%d", "%d-%m-%Y")


def parse_date(value) -> date:
    if isinstance(value, date):
        return value
    text = (value or "").strip()
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise FormatError(_("Date invalide (AAAA-MM-JJ)."))


def match_title(value: str, titles: dict[str, tuple[str, ...]]) -> str | None:
    """``titles`` maps a code to its labels; the code or any label (any case, with or without the dot) fits."""
    wanted = fold(value).rstrip(".").strip()
    for code, labels in titles.items():
        if wanted in {fold(name).rstrip(".").strip() for name in (code, *labels)}:
            return code
    return None


def clean_participant(data: dict, *, titles: dict[str, tuple[str, ...]], session_end: date,
                      partial: bool = False) -> tuple[dict, dict[str, list[str]]]:
    """Returns ``(clean values, field errors)``; with ``partial`` only the given fields are checked."""
    clean, errors = {}, {}

    def fail(field: str, message: str):
        errors.setdefault(field, []).append(message)

    for field in REQUIRED:
        if field in data or not partial:
            value = data.get(field)
            if value is None or (isinstance(value, str) and not value.strip()):
                fail(field, _(MISSING))
    for field in ("first_name", "last_name"):
        if field in data and field not in errors:
            value = collapse_spaces(data[field])
            if len(value) > NAME_MAX:
                fail(field, _("%(limit)s caractères au plus.", limit=NAME_MAX))
            elif not re.search(r"\w", value):
                fail(field, _("Nom invalide."))
            else:
                clean[field] = value
    if "title" in data and "title" not in errors:
        code = match_title(str(data["title"]), titles)
        if code is None:
            fail("title", _("Titre inconnu."))
        else:
            clean["title"] = code
    if "birth_date" in data and "birth_date" not in errors:
        try:
            birth_date = parse_date(data["birth_date"])
            check_birth_date(birth_date, session_end)
            clean["birth_date"] = birth_date
        except FormatError as error:
            fail("birth_date", str(error))
    if "phone" in data and "phone" not in errors:
        try:
            clean["phone"] = normalize_phone(str(data["phone"]))
        except FormatError as error:
            fail("phone", str(error))
    if "phone_ext" in data:
        try:
            clean["phone_ext"] = normalize_extension(None if data["phone_ext"] is None else str(data["phone_ext"]))
        except FormatError as error:
            fail("phone_ext", str(error))
    return clean, errors
