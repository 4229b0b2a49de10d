"""Handlers for the cards events billing consumes (run inside the consumer's transaction)."""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy.orm import Session

from chassis.events.envelope import Envelope
from chassis.events.registry import validate_payload
from services.billing.config import BillingSettings, load_config
from services.billing.operations.invoices import cancel_for_session, issue_invoice


@lru_cache(maxsize=1)
def handler_settings() -> BillingSettings:
    return BillingSettings.from_config(load_config())


def on_session_submitted(session: Session, envelope: Envelope) -> None:
    """One invoice per session; a redelivered event finds it and does nothing more."""
    payload = validate_payload(envelope.type, envelope.version, envelope.payload)
    issue_invoice(session, payload, handler_settings())


def on_session_cancelled(session: Session, envelope: Envelope) -> None:
    payload = validate_payload(envelope.type, envelope.version, envelope.payload)
    cancel_for_session(session, payload)
