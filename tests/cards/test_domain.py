"""Unit tests of the pure rules: formats, dates, names, CSV reading, statuses, prices, codes."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from chassis.i18n import Catalogue, speaking
from services.cards.domain import codes, statuses
from services.cards.domain.csv_import import CsvFileError, read_rows
from services.cards.domain.dates import check_birth_date, check_end_date, today_in_montreal
from services.cards.domain.formats import (
    FormatError,
    normalize_card_number,
    normalize_extension,
    normalize_phone,
    normalize_postal_code,
)
from services.cards.domain.participants import clean_participant, match_title
from services.cards.domain.pricing import UNIT_PRICE, card_minimum_message, quote
from services.cards.domain.text import fold, person_key

TITLES = {"mme": ("Mme", "Ms."), "m": ("M.", "Mr.")}


@pytest.mark.parametrize("raw, expected", [("h2x1y4", "H2X 1Y4"), (" H2X 1Y4 ", "H2X 1Y4"), ("g1v-0a6", "G1V 0A6"),
                                           ("k1a0b1", "K1A 0B1")])
def test_postal_codes_are_normalized(raw, expected):
    assert normalize_postal_code(raw) == expected


@pytest.mark.parametrize("raw", ["", "12345", "H2X 1Y", "D2X 1Y4", "W2X 1Y4", "H2X 1O4", "H2X1Y44", "90210"])
def test_bad_postal_codes_are_refused(raw):
    with pytest.raises(FormatError, match="Code postal"):
        normalize_postal_code(raw)


@pytest.mark.parametrize("raw", ["514-555-1234", "(514) 555-1234", "5145551234", "+1 514 555 1234", "1-514-555-1234",
                                 "514.555.1234"])
def test_phone_numbers_are_normalized(raw):
    assert normalize_phone(raw) == "514-555-1234"


@pytest.mark.parametrize("raw", ["555-1234", "014-555-1234", "514-055-1234", "514-555-12345", "abc", "514 555 1234 x2"])
def test_bad_phone_numbers_are_refused(raw):
    with pytest.raises(FormatError):
        normalize_phone(raw)


def test_extension_is_digits_only():
    assert normalize_extension(" 246 ") == "246"
    assert normalize_extension("") is None
    with pytest.raises(FormatError):
        normalize_extension("24a")


def test_card_numbers_are_checked_and_lowercased():
    assert normalize_card_number(" ETHC123-04 ") == "ethc123-04"
    for bad in ("ethc12-04", "eth123-04", "ethc123", "ethc123-4", "éthc123-04"):
        with pytest.raises(FormatError):
            normalize_card_number(bad)


def test_today_is_montreal_today_not_utc():
    # 02:00 UTC on Nov 24 is still Nov 23 in Montréal (UTC-5).
    assert today_in_montreal(datetime(2026, 11, 24, 2, 0, tzinfo=UTC)) == date(2026, 11, 23)


def test_end_date_never_after_today_nor_older_than_the_limit():
    today = date(2026, 11, 23)
    check_end_date(today, today, 365)
    check_end_date(date(2025, 11, 23), today, 365)
    with pytest.raises(FormatError, match="après aujourd'hui"):
        check_end_date(date(2026, 11, 24), today, 365)
    with pytest.raises(FormatError, match="365 jours"):
        check_end_date(date(2025, 11, 22), today, 365)


def test_birth_date_must_fit_a_worker_at_the_session_end():
    end = date(2026, 11, 20)
    check_birth_date(date(2012, 11, 20), end)  # 14 that very day
    with pytest.raises(FormatError, match="au moins 14 ans"):
        check_birth_date(date(2012, 11, 21), end)
    with pytest.raises(FormatError, match="invraisemblable"):
        check_birth_date(date(1920, 1, 1), end)


def test_names_match_ignoring_case_accents_and_punctuation():
    assert fold("  Éthier-CÔTÉ ") == "ethier cote"
    assert person_key("Josée", "Lévesque") == person_key("JOSEE", "levesque")
    assert person_key("Jean-Pierre", "O'Neil") == person_key("jean pierre", "o neil")
    assert person_key("Josée", "Lévesque") != person_key("José", "Lévesque")


def test_titles_match_codes_and_labels_in_both_languages():
    assert match_title("Mme", TITLES) == "mme"
    assert match_title("ms", TITLES) == "mme"
    assert match_title("m", TITLES) == "m"
    assert match_title("Mr.", TITLES) == "m"
    assert match_title("Dr", TITLES) is None


def test_clean_participant_reports_every_bad_field():
    clean, errors = clean_participant({"title": "Dr", "first_name": " ", "last_name": "Roy", "birth_date": "31/02/1980",
                                       "phone": "123", "phone_ext": "x"}, titles=TITLES, session_end=date(2026, 1, 1))
    assert set(errors) == {"title", "first_name", "birth_date", "phone", "phone_ext"}
    assert clean == {"last_name": "Roy"}


def test_clean_participant_normalizes_good_values():
    clean, errors = clean_participant({"title": "M.", "first_name": "  Luc  André ", "last_name": "Roy",
                                       "birth_date": "15/06/1980", "phone": "(418) 555-0100", "phone_ext": ""},
                                      titles=TITLES, session_end=date(2026, 1, 1))
    assert errors == {}
    assert clean == {"title": "m", "first_name": "Luc André", "last_name": "Roy", "birth_date": date(1980, 6, 15),
                     "phone": "418-555-0100", "phone_ext": None}


FRENCH_CSV = "Titre;Prénom;Nom;Date de naissance;Téléphone;Poste\nMme;Josée;Éthier;1985-04-12;514 555-0101;12\n" \
             "M.;René;Côté;12/03/1979;(418) 555-0102;\n"
ENGLISH_CSV = "Title,First name,Last name,Birth date,Phone,Extension\r\nMs.,Josée,Éthier,1985-04-12,514-555-0101,\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_reads_both_encodings_with_semicolons(encoding):
    rows = read_rows(FRENCH_CSV.encode(encoding))
    assert [row.line for row in rows] == [2, 3]
    assert rows[0].values["last_name"] == "Éthier"
    assert rows[1].values == {"title": "M.", "first_name": "René", "last_name": "Côté", "birth_date": "12/03/1979",
                              "phone": "(418) 555-0102", "phone_ext": ""}


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_csv_reads_commas_and_an_english_header(encoding):
    rows = read_rows(ENGLISH_CSV.encode(encoding))
    assert len(rows) == 1
    assert rows[0].values["first_name"] == "Josée" and rows[0].values["title"] == "Ms."


def test_csv_quoted_cells_may_hold_the_delimiter():
    rows = read_rows('titre,prenom,nom,naissance,telephone\nMme,"Marie, Ève",Roy,1990-01-01,5145550101\n'.encode())
    assert rows[0].values["first_name"] == "Marie, Ève"


def test_csv_blank_lines_are_skipped_and_line_numbers_kept():
    rows = read_rows(b"titre;prenom;nom;naissance;telephone\n\nMme;Ann;Roy;1990-01-01;5145550101\n")
    assert [row.line for row in rows] == [3]


@pytest.mark.parametrize("content, message", [(b"", "vide"), (b"titre;prenom;nom\nMme;A;B\n", "Colonnes manquantes"),
                                               (b"titre;prenom;nom;naissance;telephone\n", "Aucun participant"),
                                               (b"\x81\x8d\x8f\x90\x9d", "Encodage")])
def test_csv_file_level_problems(content, message):
    with pytest.raises(CsvFileError, match=message):
        read_rows(content)


def test_status_moves_allowed_to_people():
    statuses.check_transition("new", "submitted")
    statuses.check_transition("paid", "shipped")
    for status in ("new", "submitted", "invoiced"):
        statuses.check_transition(status, "cancelled")
    for current, target in [("submitted", "submitted"), ("paid", "cancelled"), ("shipped", "cancelled"),
                            ("invoiced", "shipped"), ("cancelled", "submitted"), ("new", "shipped")]:
        with pytest.raises(statuses.IllegalTransition):
            statuses.check_transition(current, target)


def test_billing_moves_only_forward():
    assert statuses.advance("submitted", "invoiced") == "invoiced"
    assert statuses.advance("submitted", "paid") == "paid"
    assert statuses.advance("invoiced", "paid") == "paid"
    assert statuses.advance("paid", "invoiced") is None  # late invoice_issued
    assert statuses.advance("paid", "paid") is None  # duplicate
    assert statuses.advance("shipped", "paid") is None
    assert statuses.advance("cancelled", "paid") is None
    assert statuses.advance("new", "invoiced") is None


FIVE = Decimal("5.00")


def test_quote_in_decimal_and_credit_card_threshold():
    assert quote(2, UNIT_PRICE, FIVE).total == Decimal("4.00") and not quote(2, UNIT_PRICE, FIVE).credit_card_allowed
    assert quote(3, UNIT_PRICE, FIVE).to_dict() == {
        "participant_count": 3, "unit_price": "2.00", "total": "6.00", "currency": "CAD", "credit_card_allowed": True,
        "card_minimum": "5.00"}
    assert not quote(4, UNIT_PRICE, Decimal("10.00")).credit_card_allowed  # CARDS_CARD_MINIMUM=10.00


def test_quote_rounds_half_up_to_the_cent_like_billing():
    assert quote(1, Decimal("0.125"), FIVE).total == Decimal("0.13")
    assert quote(1, Decimal("0.125"), FIVE).to_dict()["total"] == "0.13"
    assert card_minimum_message(Decimal("10")) == "La carte de crédit est acceptée à partir de 10,00\xa0$."
    with speaking("en", Catalogue.of_service("cards")):
        assert card_minimum_message(Decimal("10")) == "Credit card is accepted from $10.00."


def test_verification_codes_are_random_and_forgiving_to_read():
    generated = {codes.new_code() for _ in range(200)}
    assert len(generated) == 200
    code = next(iter(generated))
    assert len(code) == 14 and code.count("-") == 2
    assert codes.canonical(code.lower().replace("-", " ")) == code
    assert codes.canonical("O000-IIII-LLLL") == "0000-1111-1111"
    assert codes.canonical("too-short") is None
