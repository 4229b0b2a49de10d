"""The participants CSV file (X5) as the pages describe it: one header, said once, for the help page and
the participants page alike. Each column name is one the cards API's import reads
(``services/cards/domain/csv_import.HEADERS``; a test checks the API takes this exact header)."""
from __future__ import annotations

from chassis.i18n import current_language

# (field, French column, English column), in the order the file has them.
COLUMNS = (
    ("title", "Titre", "Title"),
    ("first_name", "Prénom", "First name"),
    ("last_name", "Nom", "Last name"),
    ("birth_date", "Date de naissance", "Date of birth"),
    ("phone", "Téléphone", "Phone"),
    ("phone_ext", "Poste", "Ext"),
)
DELIMITER = ";"   # what a French-Canadian spreadsheet writes; the API takes "," too


def csv_header(language: str | None = None) -> str:
    """``Titre;Prénom;Nom;Date de naissance;Téléphone;Poste`` (or the English header)."""
    english = (language or current_language()) == "en"
    return DELIMITER.join(en if english else fr for _field, fr, en in COLUMNS)


def column_label(field: str, language: str | None = None) -> str:
    """A field of an import error as its column is named in the page's language (else the field)."""
    english = (language or current_language()) == "en"
    for name, fr, en in COLUMNS:
        if name == field:
            return en if english else fr
    return field
