"""The trainer portal's own form pieces: the card check before anything is submitted, the participants
CSV header (one source, taken by the cards API's import), the import's refused lines, the trainer email."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader

from services.cards.domain.csv_import import read_rows
from services.web.portal_cards.card_form import card_from_form, luhn_valid
from services.web.portal_cards.csv_format import csv_header
from services.web.portal_cards.participants import import_lines
from services.web.portal_cards.session_form import api_body

TEMPLATES = Path(__file__).resolve().parents[2] / "services" / "web" / "templates"
CARD = {"card.number": "4242 4242 4242 4242", "card.holder": "Claude Éthier", "card.exp_month": "12",
        "card.exp_year": "2031", "card.cvc": "123"}


def test_a_number_failing_the_checksum_is_refused(in_language):
    in_language("fr")
    assert luhn_valid("4242424242424242") and not luhn_valid("4242424242424241")
    card, errors = card_from_form(dict(CARD, **{"card.number": "4242 4242 4242 4241"}))
    assert card is None and errors == {"card.number": "Numéro de carte invalide."}


def test_an_expired_card_is_refused_in_montreal_time(in_language):
    in_language("en")
    today = date(2026, 12, 7)
    card, errors = card_from_form(dict(CARD, **{"card.exp_month": "11", "card.exp_year": "2026"}), today=today)
    assert card is None and errors == {"card.exp_year": "The card has expired."}
    card, errors = card_from_form(dict(CARD, **{"card.exp_month": "12", "card.exp_year": "26"}), today=today)
    assert errors == {} and card["exp_year"] == 2026          # good through its expiry month


def test_a_missing_holder_and_a_bad_cvc_are_refused(in_language):
    in_language("fr")
    _card, errors = card_from_form(dict(CARD, **{"card.holder": "  ", "card.cvc": "12a"}))
    assert errors == {"card.holder": "Champ obligatoire.", "card.cvc": "3 ou 4 chiffres."}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_csv_header_shown_is_one_the_cards_api_imports(in_language, language):
    in_language(language)
    header = csv_header()
    rows = read_rows(f"{header}\nMme;Anne;Tremblay;1985-04-12;514 555-0199;12\n".encode())
    assert rows[0].values == {"title": "Mme", "first_name": "Anne", "last_name": "Tremblay",
                              "birth_date": "1985-04-12", "phone": "514 555-0199", "phone_ext": "12"}


def test_help_and_participants_pages_take_the_header_from_one_place():
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)))
    for name in ("account/help.html", "cards/participants.html"):
        source = env.loader.get_source(env, name)[0]
        assert "participants_csv_header()" in source, name
        assert "title,first_name" not in source and "Titre;Prénom" not in source, name


def test_each_refused_import_line_has_its_line_column_and_message(in_language):
    in_language("en")
    refused = {"birth_date": ["Invalid date (YYYY-MM-DD)."], "_person": ["Already registered."]}
    lines = import_lines([{"line": 3, "fields": refused}])
    assert lines == [{"line": 3, "messages": [("Date of birth", "Invalid date (YYYY-MM-DD)."),
                                              ("", "Already registered.")]}]


def test_an_emptied_trainer_email_is_sent_blank_for_the_api_to_refuse():
    values = {"trainer_email": "", "organization_type": "public", "organization_name": "CIUSSS", "institution_id": "",
              "location": "Québec", "activity_code": "pdsb", "end_date": "2026-01-10",
              "second_trainer.card_number": "", "second_trainer.first_name": "", "second_trainer.last_name": "",
              "delivery.address": "1 rue", "delivery.city": "Québec", "delivery.postal_code": "G1A 1A1",
              "delivery.attention": "X", "delivery.email": "x@exemple.ca"}
    body = api_body(values, {"organization_types": [{"code": "public"}]})
    assert body["trainer_email"] == ""          # never left out: the API would put the profile's in
