"""The one mapping from API field errors to a form's fields (``services.web.forms``): every error the API
gives shows beside its field, or on top with the field's label when the page has no such field; never dropped,
never twice, in the page's language."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask, render_template_string
from jinja2 import DictLoader

from chassis.http.i18n import install_i18n
from services.web.clients.gateway import ApiError, flatten_fields
from services.web.forms import FormState, fields_shown, nearest_field
from services.web.i18n import WEB_CATALOGUE

TEMPLATES = Path(__file__).resolve().parents[2] / "services" / "web" / "templates"


@pytest.fixture
def app():
    app = Flask("form-errors", template_folder=str(TEMPLATES))
    app.secret_key = "units"
    install_i18n(app, WEB_CATALOGUE)
    return app


def refusal(fields: dict, message: str = "Certains champs sont invalides.") -> ApiError:
    """What the gateway client makes of a contract error body (nested fields flattened); the API answers
    in the language the web asked for, so its messages are shown as they come."""
    return ApiError(422, "validation_error", message, flatten_fields(fields))


def test_nested_and_list_field_names_land_on_the_form_fields(in_language):
    in_language("fr")
    form = FormState(values={"delivery.city": "", "card.holder": "Claude"},
                     fields=("delivery.city", "card.number", "card.holder", "emails"))
    form.take(refusal({"delivery": {"city": ["Au moins 1 caractère."]},
                       "card": {"number": ["Numéro de carte invalide."]},
                       "emails": {"0": ["Adresse courriel invalide."]}}))
    form.place(())
    assert form.error("delivery.city") == ["Champ obligatoire."]  # left blank: said plainly
    assert form.error("card.number") == ["Numéro de carte invalide."]
    assert form.error("emails") == ["Adresse courriel invalide."]
    assert form.message == "Certains champs sont invalides."
    assert nearest_field("participants.3.first_name", {"participants"}) == "participants"


def test_an_error_for_a_field_not_on_the_form_goes_on_top_with_its_label(in_language):
    in_language("fr")
    form = FormState(fields=("location",))
    form.take(refusal({"trainer_email": ["Entre 1 et 254 caractères."],
                       "location": ["Champ obligatoire."],
                       "_schema": ["Demande déjà soumise."],
                       "mystery_field": ["Valeur invalide."]}))
    form.place(())
    assert form.error("location") == ["Champ obligatoire."]
    assert "trainer_email" not in form.errors
    assert form.top_errors == ["Courriel du formateur\u00a0: Entre 1 et 254 caractères.",
                               "Demande déjà soumise.", "mystery_field\u00a0: Valeur invalide."]
    for line in form.top_errors:       # shown by the page's top message, once
        assert form.message.count(line) == 1


def test_top_errors_in_english_use_english_colons(in_language):
    in_language("en")
    form = FormState(fields=("location",))
    form.take(refusal({"delivery": {"email": ["Invalid email."]}}, "Some fields are invalid."))
    form.place(())
    assert form.top_errors == ["Delivery email: Invalid email."]


def test_each_message_once_per_field(in_language):
    in_language("fr")
    form = FormState(fields=("card.number",))
    form.add_error("card.number", "Numéro de carte invalide.")
    form.take(refusal({"card": {"number": ["Numéro de carte invalide."]}}))
    form.place(())
    assert form.error("card.number") == ["Numéro de carte invalide."]


def test_the_fields_a_page_shows_are_read_from_its_template_and_includes(app):
    shown = fields_shown(app.jinja_env, "cards/payment.html")
    assert {"payment_method", "billed_to", "card.number", "card.cvc", "card.holder"} <= shown["form"]
    shown = fields_shown(app.jinja_env, "cards/session_form.html")
    assert {"trainer_email", "delivery.city", "organization_type", "second_trainer.card_number"} <= shown["form"]


def test_rendering_places_errors_the_page_does_not_show_on_top(app, in_language):
    app.jinja_loader = DictLoader({"page.html": '{% from "macros.html" import input %}'
                                                '<p id="top">{{ form.message }}</p>'
                                                '{{ input(form, "location", "Lieu") }}',
                                   "macros.html": (TEMPLATES / "macros.html").read_text()})
    in_language("fr")
    from flask import render_template
    form = FormState(values={"location": "x"}).take(refusal({"location": ["Trop long."],
                                                              "delivery": {"city": ["Requis."]}}))
    html = render_template("page.html", form=form)
    assert html.count("Trop long.") == 1 and 'aria-describedby="location-error"' in html
    assert "Ville de livraison\u00a0: Requis." in html


def test_the_errors_macro_gives_one_element_per_field(app, in_language):
    in_language("fr")
    form = FormState(errors={"location": ["Trop long.", "Format invalide.", "Trop long."]})
    html = render_template_string('{% from "macros.html" import input %}{{ input(form, "location", "Lieu") }}',
                                  form=form)
    assert html.count('id="location-error"') == 1
    assert html.count("Trop long.") == 1 and "Format invalide." in html


def test_errors_of_list_items_keep_each_item_and_reach_the_list_field(in_language):
    in_language("fr")
    flat = flatten_fields({"participants": [{"first_name": ["Requis."]}, {"first_name": ["Trop long."]}]})
    assert flat == {"participants.0.first_name": ["Requis."], "participants.1.first_name": ["Trop long."]}
    items = [{"first_name": ["Requis."]}, {"first_name": ["Trop long."]}]
    form = FormState(fields=("participants",)).take(refusal({"participants": items}))
    form.place(())
    assert form.error("participants") == ["Requis.", "Trop long."]
