"""The back office's forms sent empty and with wrong values: trainer accounts, reference lists, cheque and
deposit payments (ASSTSAS staff), production houses (AQPM staff). Field errors beside their fields, in the
page's language; nothing written."""
from __future__ import annotations

import pytest

from tests.browser.conftest import unique
from tests.browser.forms import api
from tests.browser.forms.check import Case, run, set_language, sign_in
from tests.browser.forms.world import build_world

pytestmark = pytest.mark.browser

LONG = "x" * 301


@pytest.fixture
def cards_staff(new_page, platform):
    page = new_page()
    sign_in(page, "staff@asstsas.demo", platform.password)
    return page, api.Person(platform.base_url, "staff@asstsas.demo", platform.password)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_trainer_account_form(cards_staff, language):
    page, staff = cards_staff
    email = f"{unique('refuse')}@exemple.ca"
    good = {"card_number": "zzzz999-01", "first_name": "Julie", "last_name": "Bouchard", "email": email}
    cases = [Case("empty", {k: "" for k in good}, tuple(good))]
    if language == "fr":
        cases += [Case("bad card number, bad email, too long",
                       {**good, "card_number": "pas un numéro", "email": "pas-un-courriel", "first_name": LONG},
                       ("card_number", "email", "first_name"))]
    set_language(page, language)
    found = run(page, "/staff/trainers", "main form:has([name=card_number])", cases, language,
                lambda: staff.get("/api/auth/users?q=zzzz999")["items"] + staff.get("/api/auth/users?q=Bouchard")["items"])
    assert not found, "\n".join(found)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_reference_list_form(cards_staff, language):
    page, staff = cards_staff
    form = "main form:has(input[name=kind][value=activities])"
    cases = [Case("empty", {"code": "", "label": ""}, ("code", "label"))]
    if language == "fr":
        cases += [Case("code with capitals and spaces, label too long", {"code": "Pas Bon!", "label": LONG},
                       ("code", "label"))]
    set_language(page, language)
    found = run(page, "/staff/reference", form, cases, language,
                lambda: staff.get("/api/cards/reference?include_retired=true")["activities"])
    assert not found, "\n".join(found)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_payment_recording_form(cards_staff, platform, language):
    page, staff = cards_staff
    invoice = build_world(platform).invoice
    good = {"invoice_number": invoice["number"], "method": "cheque", "amount": "1.00", "reference": "CHQ-1"}
    cases = [Case("empty", {"invoice_number": "", "amount": "", "reference": ""}, ("invoice_number",))]
    if language == "fr":
        cases += [
            Case("unknown invoice", {**good, "invoice_number": "F-0000000"}, ("invoice_number",)),
            Case("amount not a number", {**good, "amount": "six dollars"}, ("amount",)),
            Case("negative amount", {**good, "amount": "-5,00"}, ("amount",)),
            Case("impossible date", {**good, "received_on": "2026-13-45"}, ("received_on",)),
            Case("reference too long", {**good, "reference": LONG}, ("reference",)),
        ]
    set_language(page, language)

    def snapshot():
        current = staff.get(f"/api/billing/invoices/{invoice['id']}")
        return current["status"], current["balance"]

    found = run(page, "/staff/payments", "main form:has([name=invoice_number])", cases, language, snapshot)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_house_creation_form(new_page, platform, language):
    page = new_page()
    sign_in(page, "staff@aqpm.demo", platform.password, aqpm=True)
    staff = api.Person(platform.base_url, "staff@aqpm.demo", platform.password)
    name = unique("Maison Refusée ")
    cases = [Case("empty", {"name": ""}, ("name",))]
    if language == "fr":
        cases += [
            Case("a delegate typed, no suggestion picked", {"name": name, "user_id_query": "Zzyzx Personne"},
                 ("user_id_query",)),
            Case("name too long", {"name": LONG}, ("name",)),
        ]
    set_language(page, language)
    found = run(page, "/staff/houses", "main form:has([name=name])", cases, language,
                lambda: staff.get("/api/productions/houses?limit=1")["total"])
    assert not found, "\n".join(found)
