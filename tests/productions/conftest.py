"""Fixtures of the productions tests: a real PostgreSQL database per test module, tokens, users.

Users reach the read model the way they do in production: ``auth.user_registered`` envelopes
handled by ``services.productions.consumers.HANDLERS`` (over RabbitMQ in test_bus.py).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from chassis.bus.tables import OutboxMessage
from chassis.db import Database
from chassis.events.envelope import Envelope
from chassis.testing.tokens import TokenFactory
from services.productions.app import create_app
from services.productions.config import load_config
from services.productions.consumers import HANDLERS
from tests.infra import migrated_database

STAFF = ["productions_staff"]
MEMBER = ["member"]


def user_envelope(user_id: str, first_name: str, last_name: str, email: str, roles=("member",),
                  event_type: str = "auth.user_registered", occurred_at: str | None = None) -> Envelope:
    payload = {"user_id": user_id, "email": email, "first_name": first_name, "last_name": last_name,
               "roles": list(roles), "username": None, "card_number": None, "language": "fr"}
    extra = {"occurred_at": occurred_at} if occurred_at else {}
    return Envelope(type=event_type, payload=payload, producer="auth", correlation_id="test-" + uuid.uuid4().hex,
                    **extra)


@dataclass
class Person:
    id: str
    first_name: str
    last_name: str
    email: str
    roles: list


@dataclass
class Env:
    db: Database
    tokens: TokenFactory
    client: object
    app: object

    def register(self, first_name: str, last_name: str, roles=("member",)) -> Person:
        user_id = str(uuid.uuid4())
        email = f"{first_name}.{last_name}.{user_id[:6]}@example.test".lower()
        envelope = user_envelope(user_id, first_name, last_name, email, roles)
        with self.db.transaction() as session:
            HANDLERS[envelope.type](session, envelope)
        return Person(user_id, first_name, last_name, email, list(roles))

    def headers(self, person_or_id, roles=None) -> dict:
        if isinstance(person_or_id, Person):
            return self.tokens.headers(person_or_id.id, roles or person_or_id.roles)
        return self.tokens.headers(person_or_id, roles or MEMBER)

    def staff(self) -> dict:
        return self.tokens.headers("staff-" + uuid.uuid4().hex[:8], STAFF)

    def events(self, event_type: str) -> list[dict]:
        with self.db.reading() as session:
            rows = session.scalars(select(OutboxMessage).where(OutboxMessage.event_type == event_type)
                                   .order_by(OutboxMessage.id)).all()
            return [row.envelope["payload"] for row in rows]

    def house(self, *delegates: Person, name: str | None = None, status: str = "active") -> dict:
        response = self.client.post("/houses", headers=self.staff(), json={
            "name": name or f"Maison {uuid.uuid4().hex[:8]}", "status": status,
            "delegate_ids": [d.id for d in delegates]})
        assert response.status_code == 201, response.json
        return response.json

    def sheet(self, admin: Person, house_id: str, **fields) -> dict:
        response = self.client.post("/sheets", headers=self.headers(admin),
                                    json={"house_id": house_id, "title": fields.pop("title", "Film"), **fields})
        assert response.status_code == 201, response.json
        return response.json


@pytest.fixture(scope="module")
def env(request) -> Env:
    name = "productions_" + request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    url = migrated_database("productions", name)
    db = Database(url, pool_size=2, max_overflow=2)
    tokens = TokenFactory()
    config = load_config(database_url=url, extra={"SET_URL": "https://set.example.test/entree"})
    app = create_app(config, db=db, token_verifier=tokens.verifier())
    yield Env(db=db, tokens=tokens, client=app.test_client(), app=app)
    db.dispose()
