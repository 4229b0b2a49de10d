"""Producers (menu "Producteurs"), linked to houses: listed and created by staff and house administrators."""
from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import select

from chassis.errors import NotFound, ValidationFailed
from chassis.tokens import require_auth
from services.productions.api.common import AQPM_ROLES, UNKNOWN_HOUSE, caller, database, paged
from services.productions.api.presenters import producer_dict
from services.productions.api.schemas import ProducerCreate, ProducerListQuery, ProducerOut, list_of
from services.productions.audit import record_audit
from services.productions.db.models import House, Producer, ProducerHouse
from services.productions.domain.names import comparison_key
from services.productions.lookups import administered_house_ids, is_house_admin, is_staff

blp = Blueprint("producers", __name__, description="Producteurs / Producers (P3)")


def _visible_producers(session, principal):
    statement = select(Producer)
    if not is_staff(principal):
        mine = administered_house_ids(session, principal.user_id)
        statement = statement.where(Producer.id.in_(
            select(ProducerHouse.producer_id).where(ProducerHouse.house_id.in_(mine))))
    return statement


@blp.route("/producers", methods=["GET"])
@require_auth(*AQPM_ROLES)
@blp.arguments(ProducerListQuery, location="query")
@blp.response(200, list_of(ProducerOut, "ProducerList"))
def list_producers(query):
    """Staff see every producer; a member sees the producers of the houses they administer."""
    principal = caller()
    with database().reading() as session:
        statement = _visible_producers(session, principal).order_by(Producer.name, Producer.id)
        if query["house_id"]:
            statement = statement.where(Producer.id.in_(
                select(ProducerHouse.producer_id).where(ProducerHouse.house_id == query["house_id"])))
        if query["q"]:
            statement = statement.where(Producer.name_key.contains(comparison_key(query["q"]), autoescape=True))
        producers, total = paged(session, statement, query["limit"], query["offset"])
        return {"items": [producer_dict(p) for p in producers], "total": total}


@blp.route("/producers", methods=["POST"])
@require_auth(*AQPM_ROLES)
@blp.arguments(ProducerCreate)
@blp.response(201, ProducerOut)
def create_producer(body):
    """Staff, or an administrator of every house named in ``house_ids``."""
    principal = caller()
    with database().transaction() as session:
        errors = {}
        for index, house_id in enumerate(body["house_ids"]):
            house = session.get(House, house_id)
            if house is None or not (is_staff(principal) or is_house_admin(session, house_id, principal.user_id)):
                errors[index] = [UNKNOWN_HOUSE]
        if errors:
            raise ValidationFailed(fields={"house_ids": errors})
        producer = Producer(name=body["name"], name_key=comparison_key(body["name"]), email=body["email"],
                            phone=body["phone"], created_by=principal.user_id,
                            houses=[ProducerHouse(house_id=house_id) for house_id in body["house_ids"]])
        session.add(producer)
        session.flush()
        for house_id in body["house_ids"]:
            record_audit(session, "producer_created", principal.user_id, house_id=house_id,
                         details={"producer_id": producer.id, "name": producer.name})
        return producer_dict(producer)


@blp.route("/producers/<producer_id>", methods=["GET"])
@require_auth(*AQPM_ROLES)
@blp.response(200, ProducerOut)
def get_producer(producer_id):
    principal = caller()
    with database().reading() as session:
        producer = session.scalar(_visible_producers(session, principal).where(Producer.id == producer_id))
        if producer is None:
            raise NotFound("Producteur introuvable. / Producer not found.")
        return producer_dict(producer)
