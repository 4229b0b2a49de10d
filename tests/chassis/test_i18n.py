"""chassis.i18n: the caller's language chosen from Accept-Language, French source strings translated from
the catalogues, marshmallow's messages in that language with their numbers, Canadian money and dates."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from marshmallow import Schema, ValidationError, fields, validate

from chassis import validation_messages
from chassis.i18n import (
    Catalogue,
    format_date,
    format_money,
    gettext,
    lazy_gettext,
    negotiate,
    ngettext,
    speaking,
)

pytestmark = pytest.mark.unit

CARDS = Catalogue.of_service("cards")


@pytest.mark.parametrize(("header", "language"), [
    (None, "fr"), ("", "fr"), ("en", "en"), ("en-CA,en;q=0.9", "en"), ("fr-CA,fr;q=0.9,en;q=0.8", "fr"),
    ("fr;q=0.1, en;q=0.9", "en"), ("de-DE,de;q=0.9", "fr"), ("*", "fr"), ("en;q=garbage,,;", "fr"),
    ("x" * 500, "fr"),
])
def test_the_best_of_our_languages_and_french_for_anything_else(header, language):
    assert negotiate(header) == language


def test_a_source_string_reads_in_english_from_the_catalogue_and_stays_french_by_default():
    assert gettext("Certains champs sont invalides.") == "Certains champs sont invalides."
    with speaking("en", CARDS):
        assert gettext("Certains champs sont invalides.") == "Some fields are invalid."
        assert gettext("Le contenu JSON est imbriqué sur plus de %(depth)s niveaux.", depth=32) == \
            "The JSON body is nested more than 32 levels deep."
    with speaking("de", CARDS) as language:  # an unsupported language is French
        assert language == "fr" and gettext("Accès refusé.") == "Accès refusé."


def test_a_lazy_string_is_translated_each_time_it_is_read():
    constant = lazy_gettext("Accès refusé.")
    with speaking("en", CARDS):
        assert str(constant) == "Access denied."
    assert str(constant) == "Accès refusé."


class _Person(Schema):
    name = fields.String(required=True, validate=validate.Length(min=2, max=5))
    age = fields.Integer(validate=validate.Range(min=1, max=120))
    kind = fields.String(validate=validate.OneOf(["a", "b"]))


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", {"name": ["Entre 2 et 5 caractères."], "age": ["Entre 1 et 120."],
            "kind": ["Choisissez une valeur de la liste."]}),
    ("en", {"name": ["Between 2 and 5 characters."], "age": ["Between 1 and 120."],
            "kind": ["Choose a value from the list."]}),
])
def test_marshmallow_messages_are_in_the_language_of_the_moment_with_their_numbers(language, expected):
    # (a schema's own "unknown field" is stored untranslated and translated in the error body:
    # tests/chassis/test_errors.py)
    validation_messages.install()
    with speaking(language, CARDS), pytest.raises(ValidationError) as raised:
        _Person().load({"name": "x", "age": 500, "kind": "z"})
    assert raised.value.messages == expected


def test_a_required_field_says_so_in_each_language():
    validation_messages.install()
    with speaking("en", CARDS), pytest.raises(ValidationError) as raised:
        _Person().load({})
    assert raised.value.messages == {"name": ["Required field."]}


def test_money_and_dates_are_written_the_canadian_way_in_each_language():
    assert format_money(8, "fr") == "8,00\xa0$" and format_money("1234.5", "fr") == "1\xa0234,50\xa0$"
    assert format_money(8, "en") == "$8.00" and format_money("1234.5", "en") == "$1,234.50"
    assert format_date(date(2026, 12, 7), "fr") == "7 décembre 2026"
    assert format_date(date(2026, 12, 7), "en") == "December 7, 2026"
    # a moment is shown on Montréal's calendar: 03:00 UTC on the 8th is still the 7th there
    assert format_date(datetime(2026, 12, 8, 3, 0, tzinfo=UTC), "fr") == "7 décembre 2026"


def test_plurals_follow_each_language_french_keeping_zero_singular():
    web = Catalogue.of_service("web")
    counts = (0, 1, 2)
    with speaking("fr", web):
        assert [ngettext("%(num)s participant", "%(num)s participants", n) for n in counts] == \
            ["0 participant", "1 participant", "2 participants"]
    with speaking("en", web):
        assert [ngettext("%(num)s participant", "%(num)s participants", n) for n in counts] == \
            ["0 participants", "1 participant", "2 participants"]
