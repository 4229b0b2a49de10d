"""Producers (menu "Producteurs"), linked to houses: listed and created by staff and house administrators."""
from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import select

from chassis.errors import NotFound
from chassis.i18n import _
from chassis.page_schema import page
from chassis.tokens import require_auth
from services.productions.api.context import caller, database
from services.productions.api.listing import aqpm_list
from services.productions.api.presenters import producer_dict
from services.productions.api.schemas import ProducerCreate, ProducerListQuery, ProducerOut
from services.productions.db.models import Producer, ProducerHouse
from services.productions.domain.access import AQPM_ROLES
from services.productions.domain.names import comparison_key
from services.productions.operations.lookups import administered_house_ids, is_staff
from services.productions.operations.producers import create_producer as create

blp = Blueprint("producers", __name__, description="Producers (P3)")


def _visible_producers(session, principal):
    statement = select(Producer)
    if not is_staff(principal):
        mine = administered_house_ids(session, principal.user_id)
        statement = statement.where(Producer.id.in_(
            select(ProducerHouse.producer_id).where(ProducerHouse.house_id.in_(mine))))
    return statement


@aqpm_list(blp, "/producers", ProducerListQuery, ProducerOut, "ProducerList")
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
        return page(session, statement, query["limit"], query["offset"], producer_dict)


@blp.route("/producers", methods=["POST"])
@require_auth(*AQPM_ROLES)
@blp.arguments(ProducerCreate)
@blp.response(201, ProducerOut)
def create_producer(body):
    """Staff, or an administrator of every house named in ``house_ids``."""
    with database().transaction() as session:
        return producer_dict(create(session, caller(), body))


@blp.route("/producers/<producer_id>", methods=["GET"])
@require_auth(*AQPM_ROLES)
@blp.response(200, ProducerOut)
def get_producer(producer_id):
    with database().reading() as session:
        producer = session.scalar(_visible_producers(session, caller()).where(Producer.id == producer_id))
        if producer is None:
            raise NotFound(_("Producteur introuvable."))
        return producer_dict(producer)
