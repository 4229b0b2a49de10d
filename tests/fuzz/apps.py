"""Every service's real Flask app on a migrated PostgreSQL database, with people of every role.

Shared by the schemathesis run (``tests/fuzz``) and the security sweep (``tests/security``).
People are made the way production makes them: accounts created by the auth use case (auth), and
``auth.user_registered`` events handled by each consumer's real handler (cards, productions).
Tokens are RS256 JWTs of ``chassis.testing.tokens.TokenFactory``; every app verifies them.
"""
from __future__ import annotations

import functools
import random
import string
import uuid
from dataclasses import dataclass, field

import psycopg
from cryptography.fernet import Fernet

from chassis.config import ServiceConfig
from chassis.db import Database
from chassis.events.envelope import Envelope
from chassis.events.registry import validate_payload
from chassis.testing.tokens import TokenFactory
from tests.infra import PG_ADMIN_URL, migrated_database

SERVICES = ("auth", "cards", "billing", "productions", "notifier")
ROLES = ("trainer", "cards_staff", "member", "productions_staff")
PASSWORD = "Fuzz-and-sweep-2026"
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Person:
    user_id: str
    role: str
    email: str
    card_number: str | None = None

    @property
    def roles(self) -> list[str]:
        return [self.role]


@dataclass
class ServiceUnderTest:
    service: str
    app: object
    db: Database
    tokens: TokenFactory
    people: dict[str, list[Person]] = field(default_factory=dict)  # role -> [owner A, owner B]

    def headers(self, person: Person) -> dict:
        return self.tokens.headers(person.user_id, person.roles)

    def client(self):
        client = self.app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.9.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
        return client

    def dispose(self) -> None:
        """Closes the connections and drops the run's database (its name is unique to the run)."""
        self.db.dispose()
        name = self.db.url.rpartition("/")[2]
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _config(service: str, url: str) -> ServiceConfig:
    extra = {}
    if service == "auth":  # generous throttling: the fuzzer logs in with random bodies
        extra = {"ACCOUNT_MAX_FAILURES": "1000", "ADDRESS_MAX_FAILURES": "100000", "RESET_COOLDOWN_SECONDS": "0"}
    elif service == "cards":
        extra = {"VERIFY_MAX_FAILURES": "100000", "TRUSTED_PROXY_HOPS": "1",
                 "PUBLIC_BASE_URL": "https://guichet.exemple.ca"}
    elif service == "notifier":
        extra = {"SECRET_KEY": Fernet.generate_key().decode(), "SMTP_HOST": "", "WEBHOOKS_ALLOW_PRIVATE": "1"}
    return ServiceConfig.from_env(service, database_url=url, public_base_url="https://guichet.exemple.ca",
                                  extra=extra)


def create_service_app(service: str, url: str, tokens: TokenFactory):
    import importlib

    module = importlib.import_module(f"services.{service}.app")
    db = Database(url)
    return module.create_app(_config(service, url), db=db, token_verifier=tokens.verifier()), db


@functools.cache
def openapi_document(service: str) -> dict:
    """The service's OpenAPI document, without a database (apps connect lazily). Built once per run and
    shared by every suite that reads it (collection of four modules): read it, never change it."""
    app, db = create_service_app(service, "sqlite://", TokenFactory())
    try:
        return app.test_client().get("/openapi.json").get_json()
    finally:
        db.dispose()


def documented_operations() -> list[tuple[str, str, str]]:
    """(service, METHOD, path) of every operation of every service's document."""
    found = []
    for service in SERVICES:
        for path, item in openapi_document(service)["paths"].items():
            found += [(service, method.upper(), path) for method in item if method in HTTP_METHODS]
    return found


def _user_event(person: Person, first_name: str, last_name: str) -> Envelope:
    payload = {"user_id": person.user_id, "email": person.email, "first_name": first_name, "last_name": last_name,
               "roles": person.roles, "username": None, "card_number": person.card_number, "language": "fr"}
    return Envelope(type="auth.user_registered", payload=validate_payload("auth.user_registered", 1, payload),
                    producer="auth", correlation_id=uuid.uuid4().hex)


def _card_number() -> str:
    letters = "".join(random.choices(string.ascii_lowercase, k=4))
    return f"{letters}{random.randint(100, 999)}-{random.randint(10, 99)}"


def _auth_people(db: Database, tag: str) -> dict[str, list[Person]]:
    from services.auth.operations import users

    people: dict[str, list[Person]] = {}
    for role in ROLES:
        for owner in ("a", "b"):
            card = _card_number() if role == "trainer" else None
            account = users.NewAccount(f"{tag}.{role}.{owner}.{uuid.uuid4().hex[:6]}@exemple.qc.ca", "Camille",
                                       f"{role.title()}{owner.upper()}", role, card_number=card)
            with db.transaction() as session:
                user = users.create_user(session, account, PASSWORD)
                people.setdefault(role, []).append(Person(str(user.id), role, user.email, card))
    return people


def _read_model_people(db: Database, service: str, tag: str) -> dict[str, list[Person]]:
    import importlib

    handlers = importlib.import_module(f"services.{service}.consumers").HANDLERS
    people: dict[str, list[Person]] = {}
    for role in ROLES:
        for owner in ("a", "b"):
            card = _card_number() if role == "trainer" else None
            person = Person(str(uuid.uuid4()), role, f"{tag}.{role}.{owner}@exemple.qc.ca", card)
            if "auth.user_registered" in handlers:
                envelope = _user_event(person, "Camille", f"{role.title()}{owner.upper()}")
                with db.transaction() as session:
                    handlers[envelope.type](session, envelope)
            people.setdefault(role, []).append(person)
    return people


def start_service(service: str, purpose: str, tokens: TokenFactory | None = None) -> ServiceUnderTest:
    """``service``'s app on a fresh database ``guichet_test_<service>_<purpose>_<random>``, with two people a
    role. The random part keeps two runs of the suite at once (two engineers, CI) from dropping each
    other's database; ``dispose()`` drops it."""
    tokens = tokens or TokenFactory()
    url = migrated_database(service, f"{service}_{purpose}_{uuid.uuid4().hex[:8]}")
    app, db = create_service_app(service, url, tokens)
    people = _auth_people(db, purpose) if service == "auth" else _read_model_people(db, service, purpose)
    return ServiceUnderTest(service, app, db, tokens, people)
