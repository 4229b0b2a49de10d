"""Handlers for the cards events billing consumes (run inside the consumer's transaction).

The consumer has validated ``envelope.payload`` against the catalogue before calling them
(``chassis.bus.consumer``): they do not validate it again.
"""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy.orm import Session

from chassis.events.envelope import Envelope
from services.billing.config import BillingSettings, load_config
from services.billing.operations.invoices import cancel_for_session, issue_invoice


@lru_cache(maxsize=1)
def handler_settings() -> BillingSettings:
    return BillingSettings.from_config(load_config())


def on_session_submitted(session: Session, envelope: Envelope) -> None:
    """One invoice per session; a redelivered event finds it and does nothing more. Not
    ``@own_transaction``: the invoice number is taken at the end of the (batch's) transaction."""
    issue_invoice(session, envelope.payload, handler_settings())


def on_session_cancelled(session: Session, envelope: Envelope) -> None:
    cancel_for_session(session, envelope.payload)
