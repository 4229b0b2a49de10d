"""Staff's webhooks (X9): subscribing a URL, unsubscribing, replaying a failed delivery.

Each function runs in the caller's transaction; the webhook loop is woken when it commits.
"""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from chassis.bus.wakeup import ring
from chassis.errors import Conflict, NotFound, ValidationFailed
from chassis.events.registry import catalogue_types
from chassis.i18n import _
from services.notifier.db.models import Webhook, WebhookDelivery
from services.notifier.domain.addresses import TargetRefused, check_target
from services.notifier.domain.portals import producer_allowed
from services.notifier.domain.secret_box import SecretBox
from services.notifier.domain.wakeup_channels import WEBHOOK_CHANNEL
from services.notifier.domain.webhook_signing import new_secret


def visible_webhook(session: Session, webhook_id: str, portals: set[str]) -> Webhook:
    """The live webhook when it belongs to one of ``portals`` (the caller's), else 404."""
    hook = session.get(Webhook, webhook_id)
    if hook is None or hook.deleted_at is not None or hook.portal not in portals:
        raise NotFound(_("Webhook introuvable."))
    return hook


def _checked_events(portal: str, events: list[str]) -> list[str]:
    known = {event_type for event_type, _version in catalogue_types()}
    errors = [_("%(event)s : type d'événement inconnu ou hors de votre portail.", event=event)
              for event in events if event not in known or not producer_allowed(portal, event)]
    if errors:
        raise ValidationFailed(fields={"events": errors})
    return sorted(set(events))


def create_webhook(session: Session, portal: str, body: dict, actor_id: str, box: SecretBox,
                   allow_private: bool) -> tuple[Webhook, str]:
    """The new webhook and its signing secret (given, in the Standard Webhooks form the schema checked, or
    generated; shown once). Private, loopback and link-local targets are refused."""
    events = _checked_events(portal, body["events"])
    try:
        check_target(body["url"], allow_private)
    except TargetRefused as refused:
        raise ValidationFailed(fields={"url": [str(refused)]}) from None
    secret = body.get("secret") or new_secret()
    hook = Webhook(id=str(uuid.uuid4()), portal=portal, url=body["url"], events=events,
                   description=body.get("description"), secret_ciphertext=box.seal(secret),
                   created_by=actor_id, created_at=datetime.now(UTC))
    session.add(hook)
    return hook, secret


def delete_webhook(session: Session, hook: Webhook) -> None:
    """No new deliveries, pending ones are cancelled; the delivery log is kept."""
    hook.deleted_at = datetime.now(UTC)
    session.execute(update(WebhookDelivery)
                    .where(WebhookDelivery.webhook_id == hook.id, WebhookDelivery.status == "pending")
                    .values(status="cancelled"))


def replay_delivery(session: Session, hook: Webhook, delivery_id: str) -> WebhookDelivery:
    """A failed delivery goes back to pending with a fresh set of attempts (the log keeps the earlier ones)."""
    delivery = session.scalar(select(WebhookDelivery).options(selectinload(WebhookDelivery.attempt_log))
                              .where(WebhookDelivery.id == delivery_id, WebhookDelivery.webhook_id == hook.id))
    if delivery is None:
        raise NotFound(_("Livraison introuvable."))
    if delivery.status != "failed":
        raise Conflict(_("Seule une livraison en échec peut être renvoyée."))
    delivery.status, delivery.attempts = "pending", 0
    delivery.next_attempt_at = datetime.now(UTC)
    ring(session, WEBHOOK_CHANNEL)
    return delivery
