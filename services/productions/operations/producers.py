"""Producers (P3): created by staff, or by an administrator of every house they are linked to."""
from __future__ import annotations

from sqlalchemy.orm import Session

from chassis.errors import ValidationFailed
from chassis.principal import Principal
from services.productions.db.models import House, Producer, ProducerHouse
from services.productions.domain.names import comparison_key
from services.productions.operations import audit
from services.productions.operations.lookups import UNKNOWN_HOUSE, may_use_house


def create_producer(session: Session, principal: Principal, body: dict) -> Producer:
    errors = {index: [UNKNOWN_HOUSE] for index, house_id in enumerate(body["house_ids"])
              if not may_use_house(session, session.get(House, house_id), principal)}
    if errors:
        raise ValidationFailed(fields={"house_ids": errors})
    producer = Producer(name=body["name"], name_key=comparison_key(body["name"]), email=body["email"],
                        phone=body["phone"], created_by=principal.user_id,
                        houses=[ProducerHouse(house_id=house_id) for house_id in body["house_ids"]])
    session.add(producer)
    session.flush()
    for house_id in body["house_ids"]:
        audit.record(session, principal.user_id, "producer_created", house_id=house_id,
                     details={"producer_id": producer.id, "name": producer.name})
    return producer
