"""Every event of the catalogue may go to webhooks (X9): one pending delivery per matching subscription."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from chassis.bus.wakeup import ring
from chassis.events.envelope import Envelope
from services.notifier.db.models import Webhook, WebhookDelivery
from services.notifier.domain.portals import event_portals
from services.notifier.domain.wakeup_channels import WEBHOOK_CHANNEL
from services.notifier.domain.webhook_payload import webhook_body

_hooks = Webhook.__table__
# Built once, run for every event the notifier consumes: a Core select of the two columns needed (the
# ORM version, built per event, was a third of the consumer's time).
_SUBSCRIPTIONS = select(_hooks.c.id, _hooks.c.events).where(
    _hooks.c.deleted_at.is_(None), _hooks.c.portal.in_(bindparam("portals", expanding=True)))


def fan_out_to_webhooks(session: Session, event: Envelope) -> int:
    """Stages the deliveries in the consumer's transaction; the webhook loop sends them. Returns how many."""
    portals = event_portals(event.type, event.payload)
    if not portals:
        return 0
    with session.no_autoflush:  # what the handlers staged is flushed once, at the commit
        subscriptions = session.execute(_SUBSCRIPTIONS, {"portals": list(portals)}).all()
    targets = [hook_id for hook_id, events in subscriptions if event.type in (events or [])]
    if not targets:
        return 0
    already = set(session.scalars(select(WebhookDelivery.webhook_id).where(WebhookDelivery.event_id == event.id)))
    body = webhook_body(event.to_dict())
    now = datetime.now(UTC)
    added = 0
    for hook_id in targets:
        if hook_id in already:
            continue
        session.add(WebhookDelivery(id=str(uuid.uuid4()), webhook_id=hook_id, event_id=event.id, event_type=event.type,
                                    body=body, status="pending", attempts=0, next_attempt_at=now, created_at=now))
        added += 1
    if added:
        ring(session, WEBHOOK_CHANNEL)  # the webhook loop wakes when this transaction commits
    return added
