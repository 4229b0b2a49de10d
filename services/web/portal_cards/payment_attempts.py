"""One ``Idempotency-Key`` per payment attempt of an invoice, kept across retries (issue 17, item 12).

A new key at every submit let a retry after an unanswered charge (a timeout, a 5xx: the provider may
have charged the card) charge it a second time. The key now lives in the person's web session (the
signed cookie), by invoice: until billing answers, every submit of that invoice's payment sends the
same key, and billing replays the outcome it recorded instead of charging again. An answer (accepted,
declined, refused) ends the attempt; the next payment of that invoice is a new attempt with a new key.
"""
from __future__ import annotations

import uuid

from flask import session

SESSION_FIELD = "payment_attempts"
KEPT = 5  # attempts left unanswered on other invoices are forgotten past this many (the cookie stays small)


def key_for(invoice_id: str) -> str:
    """The key of the attempt under way for ``invoice_id``, or of a new one."""
    attempts = dict(session.get(SESSION_FIELD) or {})
    if invoice_id not in attempts:
        attempts[invoice_id] = uuid.uuid4().hex
        attempts = dict(list(attempts.items())[-KEPT:])
        session[SESSION_FIELD] = attempts
    return attempts[invoice_id]


def end(invoice_id: str) -> None:
    """Billing answered: the attempt is over."""
    attempts = dict(session.get(SESSION_FIELD) or {})
    if attempts.pop(invoice_id, None) is not None:
        session[SESSION_FIELD] = attempts


def answered(status: int) -> bool:
    """A 5xx or no answer at all (503 from the gateway client) leaves the charge's outcome unknown."""
    return status < 500
