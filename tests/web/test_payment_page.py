"""The payment tab states the credit-card minimum the cards API quotes (the billing setting), never one of
its own: in the page's language, formatted like the page's other amounts, and given to app.js."""
from __future__ import annotations

import pytest
from flask import render_template

from services.web.app import create_app
from services.web.config import load_config
from services.web.forms import FormState

SESSION = {"id": "s-1", "status": "new", "participant_count": 2}


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("GUICHET_DATA_DIR", str(tmp_path))
    return create_app(load_config(database_url=f"sqlite:///{tmp_path / 'web.db'}", secret_key="units"))


def payment_page(**quoted) -> str:
    quote = {"unit_price": "2.00", "participant_count": 2, "total": "4.00", "credit_card_allowed": False, **quoted}
    form = FormState(values={"payment_method": "cheque", "billed_to": ""})
    return render_template("cards/payment.html", session=SESSION, quote=quote, form=form, page_title="Paiement")


def test_the_card_minimum_is_the_quoted_one_in_french(in_language):
    in_language("fr")
    html = payment_page(card_minimum="10.00")
    assert 'data-card-minimum="10.00"' in html
    assert "(solde minimal de 10,00\u00a0$)" in html
    assert "acceptés avec un solde minimal de 10,00\u00a0$." in html
    assert "5 $" not in html and "5,00\u00a0$" not in html


def test_the_card_minimum_is_the_quoted_one_in_english(in_language):
    in_language("en")
    html = payment_page(card_minimum="10.00")
    assert 'data-card-minimum="10.00"' in html
    assert "(minimum balance $10.00)" in html
    assert "for a balance of $10.00 or more." in html
    assert "$5" not in html


def test_without_a_quoted_minimum_the_page_states_none(in_language):
    in_language("en")
    html = payment_page()
    assert "data-card-minimum" not in html and "minimum balance" not in html
