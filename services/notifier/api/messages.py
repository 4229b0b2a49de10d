"""``/messages``: the staff delivery log, and replaying a failed email."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import RAISE
from sqlalchemy import func, select

from chassis.http.bearer_auth import require_bearer
from chassis.page_schema import page
from services.notifier.api.context import caller_portals, database
from services.notifier.api.schemas import MessageList, MessageQuery, MessageSchema
from services.notifier.db.models import Message
from services.notifier.domain.portals import STAFF_ROLES
from services.notifier.operations.messages import replay, visible_message

# Views read inside ``transaction()`` (not ``reading()``): its commit keeps the loaded rows usable
# (expire_on_commit=False) while the response schema serializes them after the block.
blp = Blueprint("messages", __name__, url_prefix="/messages",
                description="Email delivery log (staff).")


@blp.route("", methods=["GET"])
@require_bearer(*STAFF_ROLES)
@blp.arguments(MessageQuery, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, MessageList)
def list_messages(limit: int, offset: int, **filters):
    """Delivery log, newest first: recipient, subject, template, event id, status, attempts, last error."""
    query = select(Message).where(Message.portal.in_(caller_portals()))
    columns = {"status": Message.status, "template": Message.template, "to": Message.to_address,
               "event_id": Message.event_id, "event_type": Message.event_type}
    for name, value in filters.items():
        query = query.where(func.lower(columns[name]) == value.lower() if name == "to" else columns[name] == value)
    with database().transaction() as session:
        return page(session, query.order_by(Message.created_at.desc(), Message.id), limit, offset)


@blp.route("/<string:message_id>", methods=["GET"])
@require_bearer(*STAFF_ROLES)
@blp.response(200, MessageSchema)
def get_message(message_id: str):
    """One entry of the delivery log."""
    with database().transaction() as session:
        return visible_message(session, message_id, caller_portals())


@blp.route("/<string:message_id>/retry", methods=["POST"])
@require_bearer(*STAFF_ROLES)
@blp.response(200, MessageSchema)
@blp.alt_response(409, description="Only a failed message can be replayed.")
def retry_message(message_id: str):
    """Replays a failed (dead-lettered) email: it goes back to pending with a fresh set of attempts."""
    with database().transaction() as session:
        message = visible_message(session, message_id, caller_portals())
        replay(session, message)
        return message
