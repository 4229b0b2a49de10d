"""The English catalogues: find what the code says, check the catalogues hold exactly that, compile them.

``python -m chassis.i18n_catalogues check``    every marked string has its English, and no English is stale
``python -m chassis.i18n_catalogues update``   adds the new strings (empty, to translate) and drops the stale
``python -m chassis.i18n_catalogues compile``  ``.po`` -> ``.mo`` (``./guichet install`` and the images run it)
Each takes folders to work on only those (``update services/cards``); without, every catalogue.

One catalogue per folder that speaks: ``chassis/`` and each ``services/<name>/``, at
``<folder>/translations/en/LC_MESSAGES/messages.po``. Strings are found by Babel's extractors in Python
(``_``, ``gettext``, ``ngettext``, ``lazy_gettext``, ``N_``) and in Jinja templates (``.html``, ``.txt``,
``.subject``).
"""
from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from chassis.i18n import CHASSIS_TRANSLATIONS, DOMAIN, SERVICES_FOLDER

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "N_": None}
METHODS = [
    ("**/migrations/**", "ignore"),
    ("**/static/**", "ignore"),
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2.ext:babel_extract"),
    ("**/templates/**.txt", "jinja2.ext:babel_extract"),
    ("**/templates/**.subject", "jinja2.ext:babel_extract"),
]
HEADER_DATE = datetime(2026, 12, 7, tzinfo=UTC)  # fixed: an update that adds nothing changes nothing
JINJA_OPTIONS = {"extensions": "jinja2.ext.do", "trimmed": "true"}


@dataclass(frozen=True)
class Speaker:
    """A folder whose code says things, and its English catalogue."""

    folder: Path

    @property
    def po_file(self) -> Path:
        return self.folder / "translations" / "en" / "LC_MESSAGES" / f"{DOMAIN}.po"

    @property
    def mo_file(self) -> Path:
        return self.po_file.with_suffix(".mo")

    def said(self) -> dict[str | tuple[str, str], list[tuple[str, int]]]:
        """Every marked string (a plural as ``(singular, plural)``) and where it is said."""
        found: dict = {}
        options = {pattern: JINJA_OPTIONS for pattern, method in METHODS if method.startswith("jinja2")}
        for filename, line, message, _comments, _context in extract_from_dir(
                str(self.folder), METHODS, options_map=options, keywords=KEYWORDS):
            if isinstance(message, tuple):  # ngettext: (singular, plural)
                message = message[:2] if len(message) > 1 and message[1] else message[0]
            if message:
                found.setdefault(message, []).append((filename, line))
        return found

    def catalogue(self) -> Catalog:
        if not self.po_file.exists():
            return Catalog(locale="en", domain=DOMAIN)
        with self.po_file.open("rb") as handle:
            return read_po(handle, locale="en", domain=DOMAIN)

    def problems(self) -> tuple[list[str], list[str]]:
        """(said but without English, English for something no longer said)."""
        said = self.said()
        catalogue = self.catalogue()
        translated = {message.id: message for message in catalogue if message.id}
        missing = [_text(key) for key in said
                   if _key(key) not in translated or not _has_english(translated[_key(key)].string)]
        stale = [_text(key) for key in translated if key not in {_key(k) for k in said}]
        return missing, stale

    def update(self) -> None:
        said = self.said()
        if not said and not self.po_file.exists():
            return  # a folder that says nothing gets no catalogue
        old = self.catalogue()
        new = Catalog(locale="en", domain=DOMAIN, project="Guichet", version="1", copyright_holder="Guichet",
                      msgid_bugs_address="", creation_date=HEADER_DATE, revision_date=HEADER_DATE,
                      last_translator="Guichet", language_team="Guichet", fuzzy=False)
        for key, places in sorted(said.items(), key=lambda item: (item[1][0], _text(item[0]))):
            previous = old.get(_key(key))
            string = previous.string if previous is not None else ("", "") if isinstance(key, tuple) else ""
            new.add(_key(key), string, locations=[(place, line) for place, line in places])
        self.po_file.parent.mkdir(parents=True, exist_ok=True)
        with self.po_file.open("wb") as handle:
            write_po(handle, new, width=120, omit_header=False, sort_output=False, include_previous=False)

    def compile(self) -> None:
        """Writes the ``.mo`` whole or not at all: running processes read it while ``./guichet start`` or
        ``install`` compiles again, and a file truncated for rewriting reads as an empty, broken catalogue."""
        if not self.po_file.exists():
            return
        buffer = io.BytesIO()
        write_mo(buffer, self.catalogue())
        compiled = buffer.getvalue()
        if self.mo_file.exists() and self.mo_file.read_bytes() == compiled:
            return
        partial = self.mo_file.with_name(f".{self.mo_file.name}.{os.getpid()}")
        partial.write_bytes(compiled)
        os.replace(partial, self.mo_file)


def _key(key):
    return key if isinstance(key, str) else tuple(key)


def _text(key) -> str:
    return key if isinstance(key, str) else " | ".join(key)


def _has_english(string) -> bool:
    return all(string) if isinstance(string, tuple | list) else bool(string)


def speakers() -> list[Speaker]:
    services = sorted(path for path in SERVICES_FOLDER.iterdir() if (path / "__init__.py").exists())
    return [Speaker(CHASSIS_TRANSLATIONS.parent), *(Speaker(path) for path in services)]


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    chosen = [Path(folder).resolve() for folder in argv[1:]]  # e.g. services/cards: that catalogue only
    selected = [speaker for speaker in speakers() if not chosen or speaker.folder in chosen]
    if command == "compile":
        for speaker in selected:
            speaker.compile()
        return 0
    if command == "update":
        for speaker in selected:
            speaker.update()
        return 0
    if command == "check":
        failed = False
        for speaker in selected:
            missing, stale = speaker.problems()
            for text in missing:
                print(f"{speaker.po_file}: no English for {text!r}")
            for text in stale:
                print(f"{speaker.po_file}: stale (no longer said) {text!r}")
            failed = failed or bool(missing or stale)
        return 1 if failed else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
