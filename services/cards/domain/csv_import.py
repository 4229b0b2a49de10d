"""Reading a participants CSV (X5): UTF-8 or Windows-1252, ``;`` or ``,``, French or English header.

``read_rows`` only decodes and maps columns; each row is then checked by
``services.cards.domain.participants.clean_participant`` like a JSON request.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from chassis.i18n import _
from services.cards.domain.text import fold

MAX_ROWS = 1000
# Folded header text -> field name.
HEADERS = {
    "titre": "title", "title": "title", "civilite": "title",
    "prenom": "first_name", "first name": "first_name", "firstname": "first_name",
    "given name": "first_name",
    "nom": "last_name", "nom de famille": "last_name", "last name": "last_name",
    "lastname": "last_name", "family name": "last_name", "surname": "last_name",
    "date de naissance": "birth_date", "naissance": "birth_date", "birth date": "birth_date",
    "date of birth": "birth_date", "birthdate": "birth_date",
    "telephone": "phone", "tel": "phone", "phone": "phone", "phone number": "phone",
    "poste": "phone_ext", "extension": "phone_ext", "ext": "phone_ext", "phone ext": "phone_ext",
}
REQUIRED_COLUMNS = ("title", "first_name", "last_name", "birth_date", "phone")


class CsvFileError(ValueError):
    """The file as a whole cannot be read (encoding, header, size)."""


@dataclass(frozen=True)
class CsvRow:
    line: int
    values: dict


def decode(content: bytes) -> str:
    """UTF-8 (with or without BOM) first; otherwise Windows-1252, the other encoding Excel writes."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError as error:
        raise CsvFileError(_("Encodage non reconnu : UTF-8 ou Windows-1252.")) from error


def detect_delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") >= header_line.count(",") and ";" in header_line else ","


def read_rows(content: bytes) -> list[CsvRow]:
    text = decode(content)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise CsvFileError(_("Le fichier est vide ou sans ligne d'en-tête."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(lines[0]))
    header = next(reader)
    columns = [HEADERS.get(fold(name.replace("_", " "))) for name in header]
    missing = [field for field in REQUIRED_COLUMNS if field not in columns]
    if missing:
        raise CsvFileError(_("Colonnes manquantes dans l'en-tête : %(columns)s.", columns=", ".join(missing)))
    rows = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise CsvFileError(_("Au plus %(limit)s participants par fichier.", limit=MAX_ROWS))
        values = {field: cells[index].strip() if index < len(cells) else ""
                  for index, field in enumerate(columns) if field}
        rows.append(CsvRow(line=reader.line_num, values=values))
    if not rows:
        raise CsvFileError(_("Aucun participant dans le fichier."))
    return rows
