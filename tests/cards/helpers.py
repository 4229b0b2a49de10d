"""Shared helpers of the cards tests: trainers seeded through the real consumer, valid forms."""
from __future__ import annotations

import random
import string
import uuid
from datetime import UTC, date, datetime, timedelta

from chassis.db import Database
from chassis.events.envelope import Envelope
from chassis.events.registry import validate_payload
from services.cards.consumers import HANDLERS
from services.cards.domain.dates import today_in_montreal


def envelope(event_type: str, payload: dict, producer: str, occurred_at: datetime | None = None) -> Envelope:
    """A real envelope, payload validated by the catalogue exactly as the bus does."""
    clean = validate_payload(event_type, 1, payload)
    return Envelope(type=event_type, payload=clean, producer=producer, correlation_id=uuid.uuid4().hex,
                    occurred_at=(occurred_at or datetime.now(UTC)).isoformat())


def deliver(db: Database, env: Envelope) -> None:
    with db.transaction() as session:
        HANDLERS[env.type](session, env)


def random_card_number() -> str:
    letters = "".join(random.choices(string.ascii_lowercase, k=4))
    return f"{letters}{random.randint(100, 999)}-{random.randint(10, 99)}"


def user_payload(user_id: str, roles=("trainer",), card_number: str | None = None, **overrides) -> dict:
    payload = {"user_id": user_id, "email": f"{user_id[:8]}@exemple.qc.ca", "first_name": "Claude",
               "last_name": "Éthier", "roles": list(roles), "username": None,
               "card_number": card_number, "language": "fr"}
    payload.update(overrides)
    return payload


def seed_trainer(db: Database, **overrides) -> dict:
    """A trainer known to cards, through ``auth.user_registered`` handled by the real consumer handler."""
    user_id = overrides.pop("user_id", None) or str(uuid.uuid4())
    card_number = overrides.pop("card_number", None) or random_card_number()
    payload = user_payload(user_id, card_number=card_number, **overrides)
    deliver(db, envelope("auth.user_registered", payload, "auth"))
    return payload


def session_form(**overrides) -> dict:
    form = {
        "organization_type": "etablissement_public",
        "organization_name": "CISSS de la Montérégie-Centre",
        "location": "Hôpital Charles-Le Moyne, Longueuil",
        "activity_code": "pdsb",
        "end_date": (today_in_montreal() - timedelta(days=3)).isoformat(),
        "delivery": {"address": "1000, rue Sherbrooke Ouest", "city": "Montréal", "postal_code": "h2x1y4",
                     "attention": "Service de santé et sécurité", "email": "sst@exemple.qc.ca"},
    }
    form.update(overrides)
    return form


def participant_form(**overrides) -> dict:
    form = {"title": "mme", "first_name": "Josée", "last_name": "Tremblay", "birth_date": "1985-04-12",
            "phone": "(514) 555-0199", "phone_ext": "12"}
    form.update(overrides)
    return form


def adult_birth_date(years: int = 30) -> str:
    return date(today_in_montreal().year - years, 6, 15).isoformat()
