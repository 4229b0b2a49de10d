"""People with data in every service of a running platform, for the data export's tests.

A trainer has an account (auth), a request with participants (cards), its invoice paid by card (billing),
the invoice and payment emails (notifier) and a row in productions' users read model. A member has an
account, a house they administer, a sheet they created and an access grant to it (productions).
"""
from __future__ import annotations

import io
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from email import policy
from email.parser import BytesParser

from chassis.db import Database
from services.auth.operations import users
from tests.e2e.conftest import DEMO_PASSWORD, Client, eventually

CARD = {"number": "4242 4242 4242 4242", "exp_month": 12, "exp_year": date.today().year + 3, "cvc": "123"}


@dataclass
class Person:
    login: str
    email: str
    first_name: str
    last_name: str
    client: Client
    user_id: str = ""
    identifiers: set[str] = field(default_factory=set)  # what names this person (and no one else) in a ZIP


def create_account(platform, first_name: str, last_name: str, role: str, card_number: str | None = None,
                   language: str = "fr") -> str:
    """An account made by auth's own use case (like the demo accounts): its events reach every service."""
    ascii_name = unicodedata.normalize("NFKD", first_name).encode("ascii", "ignore").decode().lower()
    email = f"{ascii_name}.{uuid.uuid4().hex[:8]}@example.org"
    db = Database(platform.layout.database_urls["auth"])
    try:
        with db.transaction() as session:
            users.create_user(session, users.NewAccount(email, first_name, last_name, role, language, card_number),
                              DEMO_PASSWORD)
    finally:
        db.dispose()
    return email


def signed_in(platform, login: str, email: str, first_name: str, last_name: str) -> Person:
    client = Client(platform.base_url)
    client.login(login, DEMO_PASSWORD)
    user_id = client.request("GET", "/api/auth/me").json()["id"]
    person = Person(login, email, first_name, last_name, client, user_id=user_id)
    person.identifiers |= {person.user_id, email, first_name, last_name}
    return person


def _request_form(reference: dict, email: str) -> dict:
    return {"organization_type": reference["organization_types"][0]["code"],
            "organization_name": f"CISSS {uuid.uuid4().hex[:6]}", "location": "Longueuil",
            "activity_code": reference["activities"][0]["code"],
            "end_date": (date.today() - timedelta(days=3)).isoformat(),
            "delivery": {"address": "1000, rue Sherbrooke Ouest", "city": "Montréal", "postal_code": "H2X 1Y4",
                         "attention": "Service SST", "email": email}}


def give_cards_data(trainer: Person, participants: list[tuple[str, str]], birth_date: str) -> dict:
    """A submitted request with ``participants``, its invoice issued by billing and paid by card."""
    api = trainer.client
    reference = api.request("GET", "/api/cards/reference").json()
    created = eventually(lambda: (lambda r: r if r.status_code == 201 else None)(
        api.request("POST", "/api/cards/sessions", json=_request_form(reference, trainer.email))))
    session = created.json()
    title = reference["titles"][0]["code"]
    for first_name, last_name in participants:
        added = api.request("POST", f"/api/cards/sessions/{session['id']}/participants", json={
            "title": title, "first_name": first_name, "last_name": last_name, "birth_date": birth_date,
            "phone": "(514) 555-0199"})
        assert added.status_code == 201, added.text
    submitted = api.request("POST", f"/api/cards/sessions/{session['id']}/submit",
                            json={"payment_method": "credit_card", "billed_to": "individual"})
    assert submitted.status_code == 202, submitted.text
    invoice = eventually(lambda: next((item for item in api.request("GET", "/api/billing/invoices").json()["items"]
                                       if item["session_id"] == session["id"]), None), timeout=45)
    paid = api.request("POST", f"/api/billing/invoices/{invoice['id']}/payments",
                       json={"method": "credit_card", "card": {**CARD, "holder": trainer.first_name}},
                       headers={"Idempotency-Key": f"export-{invoice['id']}"})
    assert paid.status_code == 201, paid.text
    trainer.identifiers |= {session["id"], invoice["number"], *(name for pair in participants for name in pair)}
    return {"session": session, "invoice": invoice}


def give_productions_data(staff: Client, member: Person) -> dict:
    """A house the member administers, a sheet they created, and their access grant to it."""
    house_name = f"Productions {member.last_name} {uuid.uuid4().hex[:4]}"
    house = eventually(lambda: (lambda r: r if r.status_code == 201 else None)(staff.request(
        "POST", "/api/productions/houses", json={"name": house_name, "delegate_ids": [member.user_id]})))
    house = house.json()
    sheet_title = f"Tournage {member.last_name} {uuid.uuid4().hex[:4]}"
    sheet = member.client.request("POST", "/api/productions/sheets", json={"house_id": house["id"],
                                                                          "title": sheet_title})
    assert sheet.status_code == 201, sheet.text
    granted = member.client.request("POST", f"/api/productions/sheets/{sheet.json()['id']}/access",
                                    json={"user_id": member.user_id})
    assert granted.status_code in (200, 201), granted.text
    member.identifiers |= {house["id"], house_name, sheet.json()["id"], sheet_title}
    return {"house": house, "sheet": sheet.json()}


def emails(platform) -> list:
    parser = BytesParser(policy=policy.default)
    folder = platform.layout.data_dir / "mail-outbox"
    return [parser.parsebytes(path.read_bytes()) for path in sorted(folder.glob("**/*.eml"))]


def export_email(platform, address: str):
    """The data export's email to ``address``, once the notifier sent it (``.eml``: no SMTP host locally)."""
    return next((mail for mail in emails(platform) if address in str(mail["To"])
                 and mail["X-Guichet-Template"] == "data_export_ready"), None)


def export_link(mail) -> str:
    text = mail.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://\S+/account/data-export/\S+", text).group(0)


def zip_texts(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
