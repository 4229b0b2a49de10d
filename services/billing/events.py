"""Emitting billing events: always inside the transaction of the state change they report."""
from __future__ import annotations

from chassis.bus.outbox import emitter

PRODUCER = "billing"

INVOICE_ISSUED = "billing.invoice_issued"
PAYMENT_RECEIVED = "billing.payment_received"
INVOICE_PAID = "billing.invoice_paid"
INVOICE_VOIDED = "billing.invoice_voided"

emit = emitter(PRODUCER)
