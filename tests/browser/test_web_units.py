"""The web front end's pure pieces: its own messages in the person's language, nested field errors,
Québec money formats, the card fields check and the session form body (no platform needed)."""
from __future__ import annotations

import pytest
from flask import Flask, session

from chassis.i18n import start_speaking, stop_speaking
from services.web.clients.gateway import flatten_fields
from services.web.formatting import money, status_label, when
from services.web.i18n import SESSION_KEY, WEB_CATALOGUE
from services.web.portal_cards.card_form import card_from_form
from services.web.portal_cards.session_form import api_body

REFERENCE = {"organization_types": [{"code": "public", "requires_institution": False},
                                    {"code": "ecole", "requires_institution": True}]}


@pytest.fixture
def in_language():
    app = Flask("units")
    app.secret_key = "units"

    def enter(language: str):
        context = app.test_request_context("/")
        context.push()
        session[SESSION_KEY] = language
        return context, start_speaking(language, WEB_CATALOGUE)
    contexts = []
    yield lambda language: contexts.append(enter(language))
    for context, speaking in reversed(contexts):
        stop_speaking(speaking)
        context.pop()


def test_the_webs_own_words_follow_the_language(in_language):
    in_language("fr")
    assert status_label("paid") == "Payée" and status_label("mystery", "Étiquette de l'API") == "Étiquette de l'API"
    assert card_from_form({"card.holder": "A", "card.number": "4242 4242 4242 4242", "card.exp_month": "12",
                           "card.exp_year": "31", "card.cvc": "1"})[1] == {"card.cvc": "3 ou 4 chiffres."}
    assert when("2026-12-07") == "7 décembre 2026"
    in_language("en")
    assert status_label("paid") == "Paid"
    assert card_from_form({"card.holder": "A", "card.number": "4242 4242 4242 4242", "card.exp_month": "12",
                           "card.exp_year": "31", "card.cvc": "1"})[1] == {"card.cvc": "3 or 4 digits."}
    assert when("2026-12-07T19:05:00Z") == "December 7, 2026, 14:05"     # Montréal's clock


def test_money_in_quebec_french_and_english(in_language):
    in_language("fr")
    assert money("6.00") == "6,00\u00a0$"
    assert money("1234.5") == "1\u00a0234,50\u00a0$"
    in_language("en")
    assert money("6") == "$6.00"
    assert money("-2.00") == "-$2.00"


def test_nested_field_errors_are_flattened_to_form_names():
    flat = flatten_fields({"delivery": {"city": ["Requis."]}, "location": ["Requis."],
                           "union_agreements": {"0": ["Trop long."]}})
    assert flat == {"delivery.city": ["Requis."], "location": ["Requis."], "union_agreements.0": ["Trop long."]}


def test_card_fields_are_checked_and_normalized(in_language):
    in_language("fr")
    card, errors = card_from_form({"card.number": "4242 4242 4242 4242", "card.holder": " Claude ",
                                   "card.exp_month": "12", "card.exp_year": "31", "card.cvc": "123"})
    assert errors == {} and card == {"number": "4242424242424242", "holder": "Claude", "cvc": "123",
                                     "exp_month": 12, "exp_year": 2031}
    card, errors = card_from_form({"card.number": "12", "card.exp_month": "13", "card.exp_year": "x",
                                   "card.cvc": "1"})
    assert card is None and set(errors) == {"card.number", "card.holder", "card.exp_month", "card.exp_year",
                                            "card.cvc"}


def test_session_form_body_uses_the_institution_only_when_the_type_needs_it():
    values = {"trainer_email": "", "organization_type": "public", "organization_name": "CIUSSS", "institution_id": "7",
              "location": "Québec", "activity_code": "pdsb", "end_date": "2026-01-10",
              "second_trainer.card_number": "", "second_trainer.first_name": "", "second_trainer.last_name": "",
              "delivery.address": "1 rue", "delivery.city": "Québec", "delivery.postal_code": "G1A 1A1",
              "delivery.attention": "X", "delivery.email": "x@exemple.ca"}
    body = api_body(values, REFERENCE)
    assert body["organization_name"] == "CIUSSS" and body["institution_id"] is None
    assert body["second_trainer"] is None and body["trainer_email"] == ""     # the API says it is required
    body = api_body(dict(values, organization_type="ecole"), REFERENCE)
    assert body["institution_id"] == 7 and body["organization_name"] is None
