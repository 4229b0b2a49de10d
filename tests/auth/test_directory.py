"""The user directory (``GET /users``) is a type-ahead for staff and production house administrators
only (issue 17, item 1): 403 for anyone else, ``q`` of 2 characters or more, at most 10 people,
each portal's people to its own staff, masked emails for house administrators, a per-minute limit.

House administrators are known to auth from productions' events, through a real RabbitMQ."""
import random
import string
from datetime import UTC, datetime, timedelta

import pytest
from kombu import Connection

from chassis.bus.consumer import Consumer
from chassis.bus.outbox import record_event
from chassis.bus.relay import OutboxRelay
from chassis.bus.settings import BusSettings
from chassis.bus.tables import OutboxMessage
from chassis.bus.topology import dead_queue_name, retry_queue_name, service_queue_name, unroutable_queue_name
from chassis.db import Database
from services.auth.app import create_app
from services.auth.consumers import HANDLERS
from services.auth.operations import users
from tests.auth.conftest import PASSWORD, auth_config, bearer, login, member_token, register, staff_token
from tests.infra import migrated_database, rabbitmq_url, unique_exchange


def _delete_broker_objects(settings: BusSettings) -> None:
    names = [unroutable_queue_name(settings.exchange), service_queue_name(settings.exchange, "auth"),
             dead_queue_name(settings.exchange, "auth")]
    names += [retry_queue_name(settings.exchange, "auth", delay) for delay in settings.retry_delays]
    with Connection(settings.url, connect_timeout=5) as connection:
        channel = connection.channel()
        for name in names:
            channel.queue_delete(name)
        channel.exchange_delete(settings.exchange)


@pytest.fixture(scope="module")
def bus(db):
    """A "productions side" outbox (a database of its own) relayed to a private exchange, and auth's consumer."""
    settings = BusSettings(url=rabbitmq_url(), exchange=unique_exchange("auth_directory"), retry_delays=(0.2,))
    productions_db = Database(migrated_database("productions", "auth_directory_productions_side"),
                              pool_size=1, max_overflow=1)
    consumer = Consumer(service="auth", db=db, handlers=HANDLERS, settings=settings)
    consumer.declare()
    relay = OutboxRelay(productions_db, settings, producer="productions")
    yield productions_db, relay, consumer
    consumer.close()
    relay.close_publisher()
    productions_db.dispose()
    _delete_broker_objects(settings)


def _admin_event(bus, event_type: str, house_id: str, user_id: str, occurred_at: datetime | None = None) -> None:
    productions_db, relay, consumer = bus
    payload = {"house_id": house_id, "house_name": "Productions Bus", "user_id": user_id,
               "actor_id": "staff-1", "delegate": False}
    with productions_db.transaction() as session:
        envelope = record_event(session, "productions", event_type, payload)
        if occurred_at is not None:  # an event that happened earlier, delivered late
            row = session.query(OutboxMessage).filter(OutboxMessage.event_id == envelope.id).one()
            row.envelope = {**row.envelope, "occurred_at": occurred_at.isoformat()}
    assert relay.run_once() == 1
    assert consumer.drain(timeout=1.0) == 1


def _people(db, tag: str) -> dict:
    """One person of each role, all named ``Lavoie<tag>`` so that one query finds them all."""
    people = {}
    for role, first in (("trainer", "Tania"), ("cards_staff", "Carl"), ("member", "Maude"),
                        ("productions_staff", "Paul")):
        card = f"{tag}{random.randint(0, 999):03d}-01" if role == "trainer" else None
        with db.transaction() as session:
            user = users.create_user(session, users.NewAccount(f"{first.lower()}.{tag}@example.org", first,
                                                               f"Lavoie{tag}", role, card_number=card), PASSWORD)
            people[role] = {"id": user.id, "email": user.email}
    return people


def _tag() -> str:
    """Four letters of this test only (a family name, and the start of a card number)."""
    return "".join(random.choice(string.ascii_lowercase) for _ in range(4))


def _search(client, token, q, **params):
    return client.get("/users", headers=bearer(token), query_string={"q": q, **params})


def test_a_member_who_administers_no_house_and_a_trainer_get_403(client, db):
    _, member = member_token(client)
    response = client.get("/users?q=&limit=200", headers=bearer(member))
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    assert _search(client, member, "tremblay").status_code == 403
    tag = _tag()
    trainer = _people(db, tag)["trainer"]
    token = login(client, trainer["email"]).get_json()["access_token"]
    assert _search(client, token, f"lavoie{tag}").status_code == 403
    assert client.get("/users?q=ab").status_code == 401


def test_staff_find_the_people_of_their_own_portal_with_full_emails(client, db):
    tag = _tag()
    people = _people(db, tag)
    _, cards = staff_token(client, db, "cards_staff")
    _, productions = staff_token(client, db, "productions_staff")

    asstsas = _search(client, cards, f"lavoie{tag}").get_json()["items"]
    assert {(p["id"], p["email"]) for p in asstsas} == {(people[r]["id"], people[r]["email"])
                                                        for r in ("trainer", "cards_staff")}
    aqpm = _search(client, productions, f"lavoie{tag}").get_json()["items"]
    assert {(p["id"], p["email"]) for p in aqpm} == {(people[r]["id"], people[r]["email"])
                                                     for r in ("member", "productions_staff")}


@pytest.mark.parametrize("q", ["", "a", " b ", "x" * 101])
def test_q_of_fewer_than_2_characters_or_too_long_is_422(client, db, q):
    _, staff = staff_token(client, db, "productions_staff")
    response = _search(client, staff, q)
    assert response.status_code == 422
    [message] = response.get_json()["error"]["fields"]["q"]
    assert message == ("Au plus 100 caractères." if len(q) > 100 else "Tapez au moins 2 caractères.")


def test_at_most_10_people_and_no_paging(client, db):
    tag = _tag()
    for number in range(12):
        register(client, first_name=f"Nadia{number}", last_name=f"Roy{tag}")
    _, staff = staff_token(client, db, "productions_staff")
    found = _search(client, staff, f"roy{tag}").get_json()
    assert len(found["items"]) == 10 and found["total"] == 10
    assert _search(client, staff, f"roy{tag}", limit=200).status_code == 422
    paged = _search(client, staff, f"roy{tag}", limit=10, offset=10).get_json()
    assert paged == found  # no paging through the directory: an offset changes nothing


def test_a_house_administrator_finds_aqpm_people_with_masked_emails_until_removed(client, db, bus):
    tag = _tag()
    people = _people(db, tag)
    admin, token = member_token(client, first_name="Hélène", last_name=f"Admin{tag}")
    assert _search(client, token, f"lavoie{tag}").status_code == 403

    _admin_event(bus, "productions.house_admin_added", "house-1", admin["id"])
    response = _search(client, token, f"lavoie{tag}")
    assert response.status_code == 200, response.get_json()
    found = {p["id"]: p["email"] for p in response.get_json()["items"]}
    assert set(found) == {people["member"]["id"], people["productions_staff"]["id"]}  # no ASSTSAS people
    assert found[people["member"]["id"]] == "m•••@example.org"
    assert found[people["productions_staff"]["id"]] == "p•••@example.org"

    removed_at = datetime.now(UTC)
    _admin_event(bus, "productions.house_admin_removed", "house-1", admin["id"])
    assert _search(client, token, f"lavoie{tag}").status_code == 403
    # the "added" of an earlier moment, delivered after the removal, does not make them admin again
    _admin_event(bus, "productions.house_admin_added", "house-1", admin["id"], removed_at - timedelta(seconds=5))
    assert _search(client, token, f"lavoie{tag}").status_code == 403


def test_searches_are_limited_per_caller_and_minute(db_url, db):
    app = create_app(auth_config(db_url, DIRECTORY_REQUESTS_PER_MINUTE="3"), db=db)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.9.9.9"
    _, staff = staff_token(client, db, "cards_staff")
    _, other = staff_token(client, db, "cards_staff")
    assert [_search(client, staff, "ab").status_code for _ in range(3)] == [200, 200, 200]
    refused = _search(client, staff, "ab")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.get_json()["error"]["code"] == "too_many_requests"
    assert _search(client, other, "ab").status_code == 200  # another caller has their own allowance
