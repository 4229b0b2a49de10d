"""``/messages``: the staff delivery log, and replaying a failed email."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import RAISE
from sqlalchemy import func, select
from sqlalchemy.orm import object_session

from chassis.errors import Conflict, NotFound
from chassis.tokens import require_auth
from services.notifier.api.access import STAFF_ROLES, caller_portals
from services.notifier.api.schemas import MessageList, MessageQuery, MessageSchema
from services.notifier.consumers.recording import FAILED, PENDING
from services.notifier.db.models import Message
from services.notifier.delivery.wakeup import MAIL_CHANNEL, ring

# Views read inside ``transaction()`` (not ``reading()``): its commit keeps the loaded rows usable
# (expire_on_commit=False) while the response schema serializes them after the block.
blp = Blueprint("messages", __name__, url_prefix="/messages",
                description="Journal des courriels envoyés (personnel). / Email delivery log (staff).")


def _visible(session, message_id: str) -> Message:
    message = session.get(Message, message_id)
    if message is None or message.portal not in caller_portals():
        raise NotFound("Message introuvable. / Message not found.")
    return message


@blp.route("", methods=["GET"])
@require_auth(*STAFF_ROLES)
@blp.arguments(MessageQuery, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, MessageList)
@blp.doc(security=[{"bearer": []}])
def list_messages(limit: int, offset: int, **filters):
    """Delivery log, newest first: recipient, subject, template, event id, status, attempts, last error."""
    query = select(Message).where(Message.portal.in_(caller_portals()))
    columns = {"status": Message.status, "template": Message.template, "to": Message.to_address,
               "event_id": Message.event_id, "event_type": Message.event_type}
    for name, value in filters.items():
        query = query.where(func.lower(columns[name]) == value.lower() if name == "to" else columns[name] == value)
    with current_app.extensions["db"].transaction() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery()))
        items = session.scalars(query.order_by(Message.created_at.desc(), Message.id).limit(limit).offset(offset)).all()
        return {"items": items, "total": total}


@blp.route("/<string:message_id>", methods=["GET"])
@require_auth(*STAFF_ROLES)
@blp.response(200, MessageSchema)
@blp.doc(security=[{"bearer": []}])
def get_message(message_id: str):
    """One entry of the delivery log."""
    with current_app.extensions["db"].transaction() as session:
        return _visible(session, message_id)


@blp.route("/<string:message_id>/retry", methods=["POST"])
@require_auth(*STAFF_ROLES)
@blp.response(200, MessageSchema)
@blp.alt_response(409, description="Only a failed message can be replayed.")
@blp.doc(security=[{"bearer": []}])
def retry_message(message_id: str):
    """Replays a failed (dead-lettered) email: it goes back to pending with a fresh set of attempts."""
    with current_app.extensions["db"].transaction() as session:
        message = _visible(session, message_id)
        replay(message)
        return message


def replay(message: Message) -> None:
    """Shared by the API and the CLI."""
    if message.status != FAILED:
        raise Conflict("Seul un message en échec peut être renvoyé. / Only a failed message can be replayed.")
    if message.secret_expires_at is not None and message.secret_ciphertext is None:
        raise Conflict("Le mot de passe temporaire a expiré : la personne doit en demander un nouveau. / "
                       "The temporary password expired: the person must ask for a new one.")
    message.status, message.attempts = PENDING, 0
    message.next_attempt_at = datetime.now(timezone.utc)
    session = object_session(message)
    if session is not None:
        ring(session, MAIL_CHANNEL)
