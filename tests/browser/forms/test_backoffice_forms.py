"""The back office's forms sent empty and with wrong values: trainer accounts, reference lists, cheque and
deposit payments (ASSTSAS staff), production houses (AQPM staff). Field errors beside their fields, in the
page's language; nothing written."""
from __future__ import annotations

import pytest

from tests.browser.conftest import unique
from tests.browser.forms import api
from tests.browser.forms.check import Case, one_at_a_time, run, run_both, sign_in
from tests.browser.forms.world import build_world

pytestmark = pytest.mark.browser

LONG = "x" * 301


@pytest.fixture
def cards_staff(new_page, platform):
    page = new_page()
    sign_in(page, "staff@asstsas.demo", platform.password)
    return page, api.Person(platform.base_url, "staff@asstsas.demo", platform.password)


def test_trainer_account_form(cards_staff):
    page, staff = cards_staff
    email = f"{unique('refuse')}@exemple.ca"
    good = {"card_number": "zzzz999-01", "first_name": "Julie", "last_name": "Bouchard", "email": email}
    cases = [Case("empty", {k: "" for k in good}, tuple(good))]
    cases += one_at_a_time(good, ("malformed", "card_number", "pas un numéro"), ("not an email", "email", "x@"),
                           ("too long", "first_name", LONG))
    found = run_both(page, "/staff/trainers", "main form:has([name=card_number])", cases,
                     lambda: staff.get("/api/auth/users?q=zzzz999")["items"])
    assert not found, "\n".join(found)


def test_reference_list_form(cards_staff):
    page, staff = cards_staff
    form = "main form:has(input[name=kind][value=activities])"
    cases = [Case("empty", {"code": "", "label": ""}, ("code", "label")),
             Case("code with capitals and spaces", {"code": "Pas Bon!", "label": "Essai"}, ("code",)),
             Case("label too long", {"code": "essai_long", "label": LONG}, ("label",))]
    found = run_both(page, "/staff/reference", form, cases,
                     lambda: staff.get("/api/cards/reference?include_retired=true")["activities"])
    assert not found, "\n".join(found)


def test_payment_recording_form(cards_staff, platform):
    page, staff = cards_staff
    invoice = build_world(platform).invoice
    good = {"invoice_number": invoice["number"], "method": "cheque", "amount": "1.00", "reference": "CHQ-1"}
    cases = [Case("empty", {"invoice_number": "", "amount": "", "reference": ""}, ("invoice_number",))]
    cases += one_at_a_time(good, ("unknown", "invoice_number", "F-0000000"),
                           ("not a number", "amount", "six dollars"), ("negative", "amount", "-5,00"),
                           ("impossible date", "received_on", "2026-13-45"), ("too long", "reference", LONG))

    def snapshot():
        current = staff.get(f"/api/billing/invoices/{invoice['id']}")
        return current["status"], current["balance"]

    found = run_both(page, "/staff/payments", "main form:has([name=invoice_number])", cases, snapshot)
    assert not found, "\n".join(found)


def test_house_creation_form(new_page, platform):
    page = new_page()
    sign_in(page, "staff@aqpm.demo", platform.password, aqpm=True)
    staff = api.Person(platform.base_url, "staff@aqpm.demo", platform.password)
    cases = [Case("empty", {"name": ""}, ("name",)),
             Case("a delegate typed, no suggestion picked", {"name": unique("Maison Refusée "),
                                                            "user_id_query": "Zzyzx Personne"}, ("user_id_query",)),
             Case("name too long", {"name": LONG}, ("name",))]
    found = run_both(page, "/staff/houses", "main form:has([name=name])", cases,
                     lambda: staff.get("/api/productions/houses?limit=1")["total"])
    house = build_world(platform).house                                  # "Nommer délégué" on a house's page
    found += run(page, f"/aqpm/houses/{house['id']}", "main form[action$='/delegates']",
                 [Case("nobody picked", {"delegate_query": ""}, ("delegate_query",))], "fr",
                 lambda: staff.get(f"/api/productions/houses/{house['id']}")["admins"])
    assert not found, "\n".join(found)


def test_participant_search_form(cards_staff):
    """A search writes nothing; its refusals still belong beside their fields."""
    page, _staff = cards_staff
    cases = [Case("name too short", {"last_name": "T"}, ("last_name",)),
             Case("impossible date", {"last_name": "Tremblay", "birth_date": "1985-13-45"}, ("birth_date",))]
    found = run_both(page, "/staff/participants", "main form:has([name=last_name])", cases, lambda: None)
    assert not found, "\n".join(found)


def test_payment_recording_takes_a_french_decimal(cards_staff, platform):
    """The other side of the refusals above: "1,50" as a French page writes it is an amount."""
    page, staff = cards_staff
    invoice = build_world(platform).invoice
    before = staff.get(f"/api/billing/invoices/{invoice['id']}")["balance"]
    page.goto("/staff/payments")
    form = page.locator("main form:has([name=invoice_number])")
    form.locator("[name=invoice_number]").fill(invoice["number"])
    form.locator("[name=method]").select_option("cheque")
    form.locator("[name=amount]").fill("1,50")
    form.locator("[name=reference]").fill("CHQ-150")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    after = staff.get(f"/api/billing/invoices/{invoice['id']}")["balance"]
    assert float(before) - float(after) == pytest.approx(1.50), page.locator("main").inner_text()[:500]
