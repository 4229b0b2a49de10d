"""Emitting billing events: always inside the transaction of the state change they report."""
from __future__ import annotations

from sqlalchemy.orm import Session

from chassis.bus.outbox import record_event
from chassis.events.envelope import Envelope

PRODUCER = "billing"

INVOICE_ISSUED = "billing.invoice_issued"
PAYMENT_RECEIVED = "billing.payment_received"
INVOICE_PAID = "billing.invoice_paid"
INVOICE_VOIDED = "billing.invoice_voided"


def emit(session: Session, event_type: str, payload: dict, sensitive: bool = False) -> Envelope:
    return record_event(session, PRODUCER, event_type, payload, sensitive=sensitive)
