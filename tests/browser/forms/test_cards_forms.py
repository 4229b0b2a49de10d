"""Every form of the trainer's portal sent empty and with each kind of wrong value: every refused field
shows its message beside it, in the page's language, and nothing is written (read back through the API)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.browser.conftest import unique
from tests.browser.forms import api
from tests.browser.forms.check import Case, one_at_a_time, run, run_both, sign_in
from tests.browser.forms.world import build_world

pytestmark = pytest.mark.browser

LONG = "x" * 301
FUTURE = (date.today() + timedelta(days=30)).isoformat()
PAST = (date.today() - timedelta(days=3)).isoformat()
DELIVERY = ("delivery.address", "delivery.city", "delivery.postal_code", "delivery.attention", "delivery.email")


@pytest.fixture
def trainer_page(new_page, platform):
    page = new_page()
    sign_in(page, "ethc123", platform.password)
    return page


@pytest.fixture(scope="module")
def trainer(platform):
    return api.Person(platform.base_url, "ethc123", platform.password)


def valid_session_values(trainer: api.Person) -> dict:
    reference = trainer.get("/api/cards/reference")
    body = api.session_body(reference, "Hôpital de test")
    values = {"organization_type": body["organization_type"], "location": "Québec",
              "activity_code": body["activity_code"], "end_date": PAST}
    values.update({f"delivery.{k}": v for k, v in body["delivery"].items()})
    return values


def test_session_form(trainer_page, trainer):
    good = valid_session_values(trainer)
    cases = [Case("empty", {**{k: "" for k in good}, "organization_name": ""},
                  ("organization_type", "location", "activity_code", "end_date") + DELIVERY)]
    cases += one_at_a_time(good, ("too long", "location", LONG),
                           ("impossible date", "end_date", "2026-13-45"), ("after today", "end_date", FUTURE),
                           ("not Canadian", "delivery.postal_code", "12345"),
                           ("not an email", "delivery.email", "pas-un-courriel"),
                           ("not an email", "trainer_email", "pas-un-courriel"))
    cases.append(Case("second trainer's card malformed",
                      {**good, "second_trainer.card_number": "n'importe quoi !",
                       "second_trainer.first_name": "Luc", "second_trainer.last_name": "Roy"},
                      ("second_trainer.card_number",)))
    found = run_both(trainer_page, "/sessions/new", "main form:has([name=location])", cases,
                     lambda: api.session_count(trainer))
    assert not found, "\n".join(found)


def test_session_sheet_edit(trainer_page, trainer, platform):
    session = build_world(platform).new_session
    cases = [Case("emptied", {"location": "", "delivery.city": ""}, ("location", "delivery.city"))]
    cases += one_at_a_time({}, ("not Canadian", "delivery.postal_code", "12345"), ("after today", "end_date", FUTURE),
                           ("too long", "location", LONG))
    found = run(trainer_page, f"/sessions/{session['id']}", "main form:has([name=location])", cases, "fr",
                lambda: {k: v for k, v in trainer.get(f"/api/cards/sessions/{session['id']}").items()
                         if k not in ("updated_at",)})
    assert not found, "\n".join(found)


def test_participant_form(trainer_page, trainer, platform):
    world = build_world(platform)
    session_id = world.new_session["id"]
    title = trainer.get("/api/cards/reference")["titles"][0]["code"]
    good = {"title": title, "first_name": "Anne", "last_name": "Tremblay", "birth_date": "1985-04-12",
            "phone": "514 555-0199"}
    cases = [Case("empty", {k: "" for k in good}, ("title", "first_name", "last_name", "birth_date", "phone"))]
    cases += one_at_a_time(good, ("too long", "last_name", LONG), ("impossible date", "birth_date", "1985-02-30"),
                           ("in the future", "birth_date", FUTURE), ("letters", "phone", "abc"),
                           ("too long", "phone_ext", "12345678"), ("unknown", "title", "xyz"))

    def snapshot():
        return [(p["id"], p["first_name"], p["last_name"])
                for p in trainer.get(f"/api/cards/sessions/{session_id}/participants")["items"]]

    form = "main form:has([name=first_name])"
    found = run_both(trainer_page, f"/sessions/{session_id}/participants/new", form, cases, snapshot,
                     submit="button[value=ok]")
    found += run(trainer_page, f"/sessions/{session_id}/participants/{world.participant_id}", form,
                 [Case("edit emptied", {"last_name": ""}, ("last_name",)),
                  Case("edit letters in the phone", {"phone": "abc"}, ("phone",))], "fr",
                 snapshot, submit="button[value=ok]")
    assert not found, "\n".join(found)


def test_csv_import_says_which_line_and_field(trainer_page, trainer, platform):
    session_id = build_world(platform).new_session["id"]
    rows = ("Titre;Prénom;Nom;Date de naissance;Téléphone;Poste\n"
            "Mme;Diane;;1980-01-15;514 555-0101;\n"            # line 2: no last name
            "M.;Éric;Lavoie;1975-13-45;514 555-0102;\n").encode()  # line 3: no such date
    cases = [Case("no file", {}, top="CSV"),
             Case("bad rows", {"file": ("participants.csv", rows)})]
    form = "main form[enctype='multipart/form-data']"
    found = run(trainer_page, f"/sessions/{session_id}/participants", form, cases, "fr",
                lambda: trainer.get(f"/api/cards/sessions/{session_id}/participants")["total"])
    text = trainer_page.locator("main").inner_text()
    for needed in ("2", "3", "Nom", "Date de naissance"):
        if needed not in text:
            found.append(f"bad rows: the page does not name {needed!r}: {text[:600]!r}")
    assert not found, "\n".join(found)


CARD_OK = {"card.holder": "Claude Éthier", "card.number": "4242 4242 4242 4242", "card.exp_month": "12",
           "card.exp_year": str(date.today().year + 3), "card.cvc": "123"}
CARD_FIELDS = tuple(CARD_OK)
CARD_CASES = [
    Case("card fields empty", {k: "" for k in CARD_OK}, CARD_FIELDS),
    Case("card number fails the checksum", {**CARD_OK, "card.number": "4242 4242 4242 4241"}, ("card.number",)),
    Case("card expired", {**CARD_OK, "card.exp_month": "1", "card.exp_year": str(date.today().year - 1)},
         ("card.exp_month|card.exp_year",)),
    Case("month 13, short CVC, letters in the number",
         {**CARD_OK, "card.exp_month": "13", "card.cvc": "12", "card.number": "4242 abcd 4242 4242"},
         ("card.exp_month", "card.cvc", "card.number")),
]


def test_payment_tab(trainer_page, trainer):
    session = api.new_session(trainer, unique("Paiement Refusé "), participants=3)   # 6,00 $: card allowed
    with_card = {"payment_method": "credit_card", "billed_to": "individual"}
    cases = [Case("empty", {"payment_method": "", "billed_to": ""}, ("payment_method", "billed_to"))]
    cases += [Case(c.name, {**with_card, **c.values}, c.refused) for c in CARD_CASES]

    def snapshot():
        status = trainer.get(f"/api/cards/sessions/{session['id']}")["status"]
        return status, len(api.invoices_of(trainer, session["id"]))

    assert snapshot() == ("new", 0)
    found = run(trainer_page, f"/sessions/{session['id']}/payment", "main form:has([name=payment_method])",
                cases, "fr", snapshot)
    assert not found, "\n".join(found)


def test_invoice_card_payment(trainer_page, trainer):
    session = api.new_session(trainer, unique("Facture Carte "), participants=3)
    trainer.post(f"/api/cards/sessions/{session['id']}/submit",
                 json={"payment_method": "cheque", "billed_to": "individual"})
    invoice = api.eventually(lambda: (api.invoices_of(trainer, session["id"]) or [None])[0])

    def snapshot():
        current = trainer.get(f"/api/billing/invoices/{invoice['id']}")
        return current["status"], current["balance"]

    found = run_both(trainer_page, f"/invoices/{invoice['id']}", "main form:has([name='card.number'])", CARD_CASES,
                     snapshot)
    assert not found, "\n".join(found)
