"""``/webhooks``: staff subscribe URLs to event types (X9); deliveries are signed and logged."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import RAISE
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from chassis.errors import ValidationFailed
from chassis.http.bearer_auth import require_bearer
from chassis.i18n import _
from chassis.page_schema import page
from chassis.tokens import current_principal
from services.notifier.api.context import caller_portals, database, secret_box, settings
from services.notifier.api.schemas import (
    DeliveryList,
    DeliveryQuery,
    DeliverySchema,
    PageQuery,
    WebhookCreate,
    WebhookCreated,
    WebhookList,
    WebhookSchema,
)
from services.notifier.db.models import Webhook, WebhookDelivery
from services.notifier.domain.portals import STAFF_ROLES
from services.notifier.operations import webhooks
from services.notifier.operations.webhooks import visible_webhook

# Views read inside ``transaction()``: its commit keeps loaded rows usable for the response schema.
blp = Blueprint("webhooks", __name__, url_prefix="/webhooks",
                description="Signed webhooks (staff).")


def _owning_portal(requested: str | None) -> str:
    portals = caller_portals()
    if requested:
        if requested not in portals:
            raise ValidationFailed(fields={"portal": [_("Vous n'êtes pas du personnel de ce portail.")]})
        return requested
    if len(portals) > 1:
        raise ValidationFailed(fields={"portal": [_("Précisez le portail : cards ou productions.")]})
    return next(iter(portals))


@blp.route("", methods=["POST"])
@require_bearer(*STAFF_ROLES)
@blp.arguments(WebhookCreate)
@blp.response(201, WebhookCreated)
def create_webhook(body: dict):
    """Subscribes a URL to event types. Each delivery is a POST of the event envelope (JSON) signed per the
    Standard Webhooks specification (https://www.standardwebhooks.com): headers ``webhook-id`` (the event id,
    the same on every retry: the idempotency key), ``webhook-timestamp`` (Unix seconds of the attempt) and
    ``webhook-signature`` (``v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`` keyed by the secret).
    Verify with a stock library: ``standardwebhooks.Webhook(secret).verify(body, headers)``. Private, loopback
    and link-local targets are refused."""
    with database().transaction() as session:
        hook, secret = webhooks.create_webhook(session, _owning_portal(body.get("portal")), body,
                                               current_principal().user_id, secret_box(),
                                               settings().webhooks_allow_private)
    fields = ("id", "url", "events", "description", "portal", "created_by", "created_at")
    return {**{name: getattr(hook, name) for name in fields}, "secret": secret}


@blp.route("", methods=["GET"])
@require_bearer(*STAFF_ROLES)
@blp.arguments(PageQuery, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, WebhookList)
def list_webhooks(limit: int, offset: int):
    """The webhooks of the caller's portal (the secret is never shown again)."""
    query = select(Webhook).where(Webhook.deleted_at.is_(None), Webhook.portal.in_(caller_portals()))
    with database().transaction() as session:
        return page(session, query.order_by(Webhook.created_at.desc(), Webhook.id), limit, offset)


@blp.route("/<string:webhook_id>", methods=["GET"])
@require_bearer(*STAFF_ROLES)
@blp.response(200, WebhookSchema)
def get_webhook(webhook_id: str):
    with database().transaction() as session:
        return visible_webhook(session, webhook_id, caller_portals())


@blp.route("/<string:webhook_id>", methods=["DELETE"])
@require_bearer(*STAFF_ROLES)
@blp.response(204)
def delete_webhook(webhook_id: str):
    """Unsubscribes: no new deliveries, pending ones are cancelled; the delivery log is kept."""
    with database().transaction() as session:
        webhooks.delete_webhook(session, visible_webhook(session, webhook_id, caller_portals()))


@blp.route("/<string:webhook_id>/deliveries", methods=["GET"])
@require_bearer(*STAFF_ROLES)
@blp.arguments(DeliveryQuery, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, DeliveryList)
def list_deliveries(webhook_id: str, limit: int, offset: int, status: str | None = None):
    """Deliveries of this webhook, newest first, each with every attempt (time, HTTP status, error, duration)."""
    with database().transaction() as session:
        visible_webhook(session, webhook_id, caller_portals())
        query = select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
        if status:
            query = query.where(WebhookDelivery.status == status)
        query = query.options(selectinload(WebhookDelivery.attempt_log)).order_by(WebhookDelivery.created_at.desc(),
                                                                                  WebhookDelivery.id)
        return page(session, query, limit, offset)


@blp.route("/<string:webhook_id>/deliveries/<string:delivery_id>/retry", methods=["POST"])
@require_bearer(*STAFF_ROLES)
@blp.response(200, DeliverySchema)
@blp.alt_response(409, description="Only a failed delivery can be replayed.")
def retry_delivery(webhook_id: str, delivery_id: str):
    """Replays a failed delivery with a fresh set of attempts (the log keeps the earlier ones)."""
    with database().transaction() as session:
        return webhooks.replay_delivery(session, visible_webhook(session, webhook_id, caller_portals()), delivery_id)
