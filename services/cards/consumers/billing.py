"""Billing's events move a request forward (never backwards): see ``services.cards.operations.lifecycle``."""
from __future__ import annotations

from sqlalchemy.orm import Session

from chassis.events.envelope import Envelope
from services.cards.operations import lifecycle


def on_invoice_issued(session: Session, envelope: Envelope) -> None:
    lifecycle.invoice_issued(session, envelope.payload)


def on_invoice_paid(session: Session, envelope: Envelope) -> None:
    """Paid: the session becomes ``paid`` and its attestations are issued (``cards.cards_issued``)."""
    lifecycle.invoice_paid(session, envelope.payload)


def on_invoice_voided(session: Session, envelope: Envelope) -> None:
    lifecycle.invoice_voided(session, envelope.payload)
