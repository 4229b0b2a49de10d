"""A dormant member across services over real RabbitMQ (Law 25, issue 23 items 3-4): auth's run warns them (the
notifier emails the warning, in their language), a later run anonymizes them, and productions and the notifier
apply it: house administration and sheet access removed, read models and emails holding the pseudonym, audit
entries kept under the pseudonym."""
from __future__ import annotations

from datetime import timedelta

import pytest
from kombu import Connection
from sqlalchemy import select

from chassis.bus.consumer import Consumer
from chassis.bus.relay import OutboxRelay
from chassis.bus.settings import BusSettings
from chassis.bus.tables import OutboxMessage
from chassis.bus.topology import dead_queue_name, retry_queue_name, service_queue_name, unroutable_queue_name
from chassis.db import Database
from services.auth.app import create_app as create_auth_app
from services.auth.config import AuthSettings
from services.auth.db.models import User
from services.auth.db.types import utcnow
from services.auth.operations import dormancy
from services.notifier.consumers import build_handlers
from services.notifier.db.models import Message, Recipient
from services.notifier.operations.mail_delivery import MailSender
from services.productions.consumers import HANDLERS as PRODUCTIONS_HANDLERS
from services.productions.db.models import AuditEntry, House, HouseAdmin, KnownUser, Sheet, SheetAccess
from services.productions.operations import audit as productions_audit
from tests.auth.conftest import auth_config, register
from tests.infra import migrated_database, rabbitmq_url, unique_exchange
from tests.notifier.support import SmtpSink, make_settings, wait_for

pytestmark = pytest.mark.integration
CONSUMERS = ("productions", "notifier")


@pytest.fixture(scope="module")
def platform():
    """auth (app, database, relay), productions and the notifier (databases, consumers), a private exchange,
    and the notifier's SMTP sink."""
    bus = BusSettings(url=rabbitmq_url(), exchange=unique_exchange("privacy"), retry_delays=(0.3,))
    auth_url = migrated_database("auth", "privacy_bus_auth")
    dbs = {name: Database(migrated_database(name, f"privacy_bus_{name}")) for name in CONSUMERS}
    dbs["auth"] = Database(auth_url)
    smtp = SmtpSink().start()
    notifier_settings = make_settings(dbs["notifier"].url, smtp.port)
    consumers = [Consumer(service="productions", db=dbs["productions"], handlers=PRODUCTIONS_HANDLERS, settings=bus),
                 Consumer(service="notifier", db=dbs["notifier"], handlers=build_handlers(notifier_settings),
                          settings=bus)]
    for consumer in consumers:
        consumer.declare()
    relay = OutboxRelay(dbs["auth"], bus, producer="auth")
    yield {"auth_app": create_auth_app(auth_config(auth_url), db=dbs["auth"]), "dbs": dbs, "relay": relay,
           "consumers": consumers, "smtp": smtp, "mail": MailSender(dbs["notifier"], notifier_settings),
           "auth_settings": AuthSettings.from_config(auth_config(auth_url))}
    relay.close_publisher()
    for consumer in consumers:
        consumer.close()
    smtp.stop()
    for db in dbs.values():
        db.dispose()
    _delete_broker_objects(bus)


def _delete_broker_objects(bus: BusSettings) -> None:
    names = [unroutable_queue_name(bus.exchange)]
    for service in CONSUMERS:
        names += [service_queue_name(bus.exchange, service), dead_queue_name(bus.exchange, service)]
        names += [retry_queue_name(bus.exchange, service, delay) for delay in bus.retry_delays]
    with Connection(bus.url, connect_timeout=5) as connection:
        channel = connection.channel()
        for name in names:
            channel.queue_delete(name)
        channel.exchange_delete(bus.exchange)


def _deliver(platform) -> None:
    """auth's outbox to the bus, then both consumers until nothing is left."""
    while platform["relay"].run_once():
        pass
    assert wait_for(lambda: sum(c.drain(timeout=0.3) for c in platform["consumers"]) == 0, timeout=20)


def _count(db, model, *conditions) -> int:
    with db.reading() as session:
        return len(session.scalars(select(model).where(*conditions)).all())


def test_a_dormant_member_is_warned_by_email_then_anonymized_in_every_service(platform):
    dbs, smtp = platform["dbs"], platform["smtp"]
    member = register(platform["auth_app"].test_client(), first_name="Jade", last_name="Fortin", language="en")
    _deliver(platform)  # productions and the notifier know the member
    with dbs["productions"].transaction() as session:  # an administrator of a house, with access to a sheet
        session.add(House(id="house-1", name="Maison Nord", name_key="maison nord", created_by="staff"))
        session.add(Sheet(id="sheet-1", house_id="house-1", title="Les Grands Froids", created_by="staff"))
        session.flush()
        session.add(HouseAdmin(house_id="house-1", user_id=member["id"], delegate=True, added_by="staff"))
        session.add(SheetAccess(sheet_id="sheet-1", user_id=member["id"], granted_by=member["id"]))
        productions_audit.record(session, member["id"], "access_granted", house_id="house-1", sheet_id="sheet-1",
                                 subject_user_id=member["id"])
    with dbs["auth"].transaction() as session:  # never used for four years
        session.get(User, member["id"]).created_at = utcnow() - timedelta(days=4 * 366)

    settings = platform["auth_settings"]
    with dbs["auth"].transaction() as session:
        assert [row["action"] for row in dormancy.run(session, settings)] == ["warn"]
    _deliver(platform)
    platform["mail"].run_once()
    welcome, warning = smtp.to(member["email"])
    assert (welcome["Subject"], warning["Subject"]) == ("Welcome to the AQPM portal",
                                                        "Your AQPM portal account will be anonymized")
    assert "log in before that date" in warning.get_body(("plain",)).get_content()

    with dbs["auth"].transaction() as session:  # the grace period ran out
        later = utcnow() + timedelta(days=settings.dormant_warning_days + 1)
        assert [row["action"] for row in dormancy.run(session, settings, later)] == ["anonymize"]
        pseudonym = session.get(User, member["id"]).last_name
    _deliver(platform)

    productions = dbs["productions"]
    assert _count(productions, HouseAdmin, HouseAdmin.user_id == member["id"]) == 0
    assert _count(productions, SheetAccess, SheetAccess.user_id == member["id"]) == 0
    with productions.reading() as session:
        known = session.get(KnownUser, member["id"])
        assert (known.first_name, known.last_name, known.nameable) == ("", pseudonym, False)
        assert member["email"] not in known.email and "fortin" not in known.search_key
        trail = [(e.actor_id, e.action, e.subject_user_id) for e in
                 session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        told = {row.event_type for row in session.scalars(select(OutboxMessage))}
    assert trail == [(pseudonym, "access_granted", pseudonym), ("system:privacy", "admin_removed", pseudonym),
                     ("system:privacy", "access_revoked", pseudonym),
                     ("system:privacy", "account_anonymized", pseudonym)]
    assert {"productions.house_admin_removed", "productions.access_revoked"} <= told

    notifier = dbs["notifier"]
    with notifier.reading() as session:
        recipient = session.get(Recipient, member["id"])
        sent = session.scalars(select(Message).order_by(Message.created_at)).all()
    assert (recipient.email, recipient.last_name) == (f"{pseudonym}@anonymized.invalid", pseudonym)
    assert [(m.template, m.to_address, m.to_name) for m in sent] == [
        ("member_welcome", recipient.email, pseudonym), ("account_dormancy_warning", recipient.email, pseudonym)]
    assert all(m.context == {} for m in sent)
