"""``/webhooks``: staff subscribe URLs to event types (X9); deliveries are signed and logged."""
from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timezone

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import RAISE
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from chassis.errors import Conflict, NotFound, ValidationFailed
from chassis.events.registry import catalogue_types
from chassis.tokens import current_principal, require_auth
from services.notifier.api.access import STAFF_ROLES, caller_portals
from services.notifier.api.schemas import (DeliveryList, DeliveryQuery, DeliverySchema, PageQuery, WebhookCreate,
                                           WebhookCreated, WebhookList, WebhookSchema)
from services.notifier.db.models import Webhook, WebhookDelivery
from services.notifier.delivery.wakeup import WEBHOOK_CHANNEL, ring
from services.notifier.domain.addresses import TargetRefused, check_target
from services.notifier.domain.portals import producer_allowed

# Views read inside ``transaction()``: its commit keeps loaded rows usable for the response schema.
blp = Blueprint("webhooks", __name__, url_prefix="/webhooks",
                description="Webhooks signés pour les systèmes externes (personnel). / Signed webhooks (staff).")


def _db():
    return current_app.extensions["db"]


def _visible(session, webhook_id: str) -> Webhook:
    hook = session.get(Webhook, webhook_id)
    if hook is None or hook.deleted_at is not None or hook.portal not in caller_portals():
        raise NotFound("Webhook introuvable. / Webhook not found.")
    return hook


def _owning_portal(requested: str | None) -> str:
    portals = caller_portals()
    if requested:
        if requested not in portals:
            raise ValidationFailed(fields={"portal": ["Vous n'êtes pas du personnel de ce portail. / "
                                                      "You are not staff of this portal."]})
        return requested
    if len(portals) > 1:
        raise ValidationFailed(fields={"portal": ["Précisez le portail : cards ou productions. / "
                                                  "Say which portal: cards or productions."]})
    return next(iter(portals))


def _check_events(portal: str, events: list[str]) -> list[str]:
    known = {event_type for event_type, _version in catalogue_types()}
    errors = [f"{event}: type d'événement inconnu ou hors de votre portail. / unknown event type or not of your portal."
              for event in events if event not in known or not producer_allowed(portal, event)]
    if errors:
        raise ValidationFailed(fields={"events": errors})
    return sorted(set(events))


@blp.route("", methods=["POST"])
@require_auth(*STAFF_ROLES)
@blp.arguments(WebhookCreate)
@blp.response(201, WebhookCreated)
@blp.doc(security=[{"bearer": []}])
def create_webhook(body: dict):
    """Subscribes a URL to event types. Each delivery is a POST of the event envelope (JSON), with headers
    ``Guichet-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">``, ``Guichet-Event-Id``,
    ``Guichet-Event-Type`` and ``Guichet-Delivery-Id``. Private, loopback and link-local targets are refused."""
    portal = _owning_portal(body.get("portal"))
    events = _check_events(portal, body["events"])
    settings = current_app.extensions["notifier_settings"]
    try:
        check_target(body["url"], settings.webhooks_allow_private)
    except TargetRefused as refused:
        raise ValidationFailed(fields={"url": [str(refused)]}) from None
    secret = body.get("secret") or "whsec_" + secrets.token_urlsafe(32)
    hook = Webhook(id=str(uuid.uuid4()), portal=portal, url=body["url"], events=events,
                   description=body.get("description"),
                   secret_ciphertext=current_app.extensions["notifier_secret_box"].seal(secret),
                   created_by=current_principal().user_id, created_at=datetime.now(timezone.utc))
    with _db().transaction() as session:
        session.add(hook)
    fields = ("id", "url", "events", "description", "portal", "created_by", "created_at")
    return {**{name: getattr(hook, name) for name in fields}, "secret": secret}


@blp.route("", methods=["GET"])
@require_auth(*STAFF_ROLES)
@blp.arguments(PageQuery, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, WebhookList)
@blp.doc(security=[{"bearer": []}])
def list_webhooks(limit: int, offset: int):
    """The webhooks of the caller's portal (the secret is never shown again)."""
    query = select(Webhook).where(Webhook.deleted_at.is_(None), Webhook.portal.in_(caller_portals()))
    with _db().transaction() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery()))
        items = session.scalars(query.order_by(Webhook.created_at.desc(), Webhook.id).limit(limit).offset(offset)).all()
        return {"items": items, "total": total}


@blp.route("/<string:webhook_id>", methods=["GET"])
@require_auth(*STAFF_ROLES)
@blp.response(200, WebhookSchema)
@blp.doc(security=[{"bearer": []}])
def get_webhook(webhook_id: str):
    with _db().transaction() as session:
        return _visible(session, webhook_id)


@blp.route("/<string:webhook_id>", methods=["DELETE"])
@require_auth(*STAFF_ROLES)
@blp.response(204)
@blp.doc(security=[{"bearer": []}])
def delete_webhook(webhook_id: str):
    """Unsubscribes: no new deliveries, pending ones are cancelled; the delivery log is kept."""
    with _db().transaction() as session:
        hook = _visible(session, webhook_id)
        hook.deleted_at = datetime.now(timezone.utc)
        session.execute(update(WebhookDelivery)
                        .where(WebhookDelivery.webhook_id == hook.id, WebhookDelivery.status == "pending")
                        .values(status="cancelled"))


@blp.route("/<string:webhook_id>/deliveries", methods=["GET"])
@require_auth(*STAFF_ROLES)
@blp.arguments(DeliveryQuery, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, DeliveryList)
@blp.doc(security=[{"bearer": []}])
def list_deliveries(webhook_id: str, limit: int, offset: int, status: str | None = None):
    """Deliveries of this webhook, newest first, each with every attempt (time, HTTP status, error, duration)."""
    with _db().transaction() as session:
        _visible(session, webhook_id)
        query = select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
        if status:
            query = query.where(WebhookDelivery.status == status)
        total = session.scalar(select(func.count()).select_from(query.subquery()))
        items = session.scalars(query.options(selectinload(WebhookDelivery.attempt_log))
                                .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id)
                                .limit(limit).offset(offset)).all()
        return {"items": items, "total": total}


@blp.route("/<string:webhook_id>/deliveries/<string:delivery_id>/retry", methods=["POST"])
@require_auth(*STAFF_ROLES)
@blp.response(200, DeliverySchema)
@blp.alt_response(409, description="Only a failed delivery can be replayed.")
@blp.doc(security=[{"bearer": []}])
def retry_delivery(webhook_id: str, delivery_id: str):
    """Replays a failed delivery with a fresh set of attempts (the log keeps the earlier ones)."""
    with _db().transaction() as session:
        _visible(session, webhook_id)
        delivery = session.scalar(select(WebhookDelivery).options(selectinload(WebhookDelivery.attempt_log))
                                  .where(WebhookDelivery.id == delivery_id, WebhookDelivery.webhook_id == webhook_id))
        if delivery is None:
            raise NotFound("Livraison introuvable. / Delivery not found.")
        if delivery.status != "failed":
            raise Conflict("Seule une livraison en échec peut être renvoyée. / Only a failed delivery can be replayed.")
        delivery.status, delivery.attempts = "pending", 0
        delivery.next_attempt_at = datetime.now(timezone.utc)
        ring(session, WEBHOOK_CHANNEL)
        return delivery
