"""A person's data export (issue 23, items 1 and 2) end to end, on the real-process platform: each service
gives its part over the bus, the notifier assembles one ZIP and emails a single-use link that only its
recipient, logged in, can use. Four people with data in every service they use (two trainers, two members):
each one's ZIP holds every service's part and none of the others' identifiers. Prints the time from the
request to the email."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from chassis.db import Database
from services.auth.db.models import PersonalDataView
from tests.e2e.conftest import DEMO_PASSWORD, Client, eventually
from tests.privacy.people import (
    create_account,
    export_email,
    export_link,
    give_cards_data,
    give_productions_data,
    signed_in,
    zip_texts,
)

pytestmark = pytest.mark.e2e
SERVICES = ("auth", "cards", "billing", "productions", "notifier")
BIRTH_DATE = "1985-04-12"


@pytest.fixture(scope="module")
def people(platform):
    made = {
        "anatole": ("Anatole", "Brisebois", "trainer", "bria111-01", "bria111"),
        "maryse": ("Maryse", "Plourde", "trainer", "plom222-02", "plom222"),
        "celeste": ("Céleste", "Vachon", "member", None, None),
        "dorothee": ("Dorothée", "Quintal", "member", None, None),
    }
    found = {}
    for key, (first_name, last_name, role, card_number, username) in made.items():
        email = create_account(platform, first_name, last_name, role, card_number)
        found[key] = signed_in(platform, username or email, email, first_name, last_name)
        if card_number:
            found[key].identifiers |= {card_number, username}
    # three participants each: a card payment needs a balance of CARDS_CARD_MINIMUM (5,00 $) or more
    give_cards_data(found["anatole"], [("Josée", "Lapointe-Arsenault"), ("Ulysse", "Lapointe-Arsenault"),
                                       ("Zélie", "Lapointe-Arsenault")], BIRTH_DATE)
    give_cards_data(found["maryse"], [("Rémi", "Bouchard-Tessier"), ("Noémie", "Bouchard-Tessier"),
                                      ("Gaston", "Bouchard-Tessier")], "1990-01-01")
    staff = Client(platform.base_url)
    staff.login("staff@aqpm.demo", DEMO_PASSWORD)
    for key in ("celeste", "dorothee"):
        give_productions_data(staff, found[key])
    return found


def staff_reads(platform, export_id: str) -> list[str]:
    """What auth's log of staff reads (Law 25 "who looked") holds about this export, as the person in charge
    of personal information would list it."""
    db = Database(platform.layout.database_urls["auth"])
    try:
        with db.reading() as session:
            return [view.what for view in session.scalars(select(PersonalDataView))
                    if view.details.get("export_id") == export_id]
    finally:
        db.dispose()


def _download(client: Client, link: str):
    return client.request("GET", "/api/notifier/data-exports/" + link.rsplit("/", 1)[1])


def test_each_person_gets_every_service_part_and_nothing_of_anyone_else(platform, people):
    assert Client(platform.base_url).request("POST", "/api/auth/me/data-export").status_code == 401
    asked = {}
    for key, person in people.items():
        response = person.client.request("POST", "/api/auth/me/data-export")
        assert response.status_code == 202, response.text
        asked[key] = time.monotonic()
    again = people["anatole"].client.request("POST", "/api/auth/me/data-export", headers={"Accept-Language": "en"})
    assert again.status_code == 429 and int(again.headers["Retry-After"]) > 0
    assert again.json()["error"]["code"] == "export_already_requested"
    assert "already asked for your data" in again.json()["error"]["message"]

    mails = {}
    for key, person in people.items():
        mails[key] = eventually(lambda person=person: export_email(platform, person.email), timeout=60)
        if key == "anatole":
            print(f"\ndata export: {time.monotonic() - asked[key]:.1f} s from the request to the email")
    for key, person in people.items():
        link = export_link(mails[key])
        portal = "/account/data-export/" if person.login != person.email else "/aqpm/account/data-export/"
        assert link.startswith(platform.base_url + portal), link  # the gateway's own origin and port
        others = [other for other in people.values() if other is not person]
        assert _download(others[0].client, link).status_code == 404  # someone else's link: not theirs to use
        assert _download(Client(platform.base_url), link).status_code == 401
        response = _download(person.client, link)
        assert response.status_code == 200 and response.headers["Content-Type"] == "application/zip"
        used = _download(person.client, link)
        assert used.status_code == 410 and used.json()["error"]["code"] == "export_used"

        files = zip_texts(response.content)
        assert "Données personnelles de" in files["README.txt"] and "Personal data of" in files["README.txt"]
        folders = {name.split("/")[0] for name in files if "/" in name}
        expected = set(SERVICES) if person.login != person.email else {"auth", "productions", "notifier"}
        assert expected <= folders, (key, sorted(files))
        everything = "\n".join(files.values())
        assert all(identifier in everything for identifier in person.identifiers), key
        for other in others:
            leaked = [identifier for identifier in other.identifiers if identifier in everything]
            assert not leaked, (key, leaked)
        if person.login != person.email:  # a trainer paid by card: its last 4 digits, never the number
            assert '"card_last4": "4242"' in files["billing/payments.json"]
            assert "4242 4242 4242 4242" not in everything and "4242424242424242" not in everything
        else:
            assert {"productions/houses.csv", "productions/sheets.csv", "productions/access_grants.csv"} <= set(files)


def test_staff_export_what_the_platform_holds_on_a_trainee(platform, people):
    staff = Client(platform.base_url)
    staff.login("staff@asstsas.demo", DEMO_PASSWORD)
    found = staff.request("GET", "/api/cards/participants", params={"last_name": "Lapointe-Arsenault"}).json()
    josee = next(item for item in found["items"] if item["first_name"] == "Josée")
    path = f"/api/cards/participants/{josee['id']}/data-export"
    assert Client(platform.base_url).request("POST", path).status_code == 401
    assert people["anatole"].client.request("POST", path).status_code == 403
    assert staff.request("POST", "/api/cards/participants/nobody/data-export").status_code == 404
    accepted = staff.request("POST", path)
    assert accepted.status_code == 202 and accepted.json()["participant_count"] == 1

    assert eventually(lambda: staff_reads(platform, accepted.json()["export_id"]))[0] == "export"  # who looked
    mail = eventually(lambda: export_email(platform, "staff@asstsas.demo"), timeout=60)
    link = export_link(mail)
    assert link.startswith(platform.base_url + "/account/data-export/")
    assert _download(people["anatole"].client, link).status_code == 404
    files = zip_texts(_download(staff, link).content)
    everything = "\n".join(files.values())
    assert "Josée" in files["cards/participations.csv"] and BIRTH_DATE in files["cards/participations.csv"]
    assert "Ulysse" not in everything and "Zélie" not in everything  # the others of the same request
    for person in people.values():  # nor the trainer who entered her, nor anyone else
        assert not [identifier for identifier in person.identifiers - {"Lapointe-Arsenault", "Josée"}
                    if identifier in everything]
