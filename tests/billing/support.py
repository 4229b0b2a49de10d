"""Helpers for the billing tests: real cards events, fed to the real handlers."""
from __future__ import annotations

import base64
import io
import uuid

from pypdf import PdfReader
from sqlalchemy import select

from chassis.bus.tables import OutboxMessage
from chassis.correlation import correlation_scope
from chassis.events.envelope import Envelope
from chassis.events.registry import validate_payload
from services.billing.consumers import HANDLERS
from services.billing.db.models import Invoice


def submitted_payload(participant_count: int = 12, payment_method: str = "cheque", user_id: str | None = None,
                      bill_to_kind: str = "organization", **overrides) -> dict:
    unit_price = "2.00"
    total = f"{participant_count * 2:.2f}"
    payload = {
        "session_id": overrides.pop("session_id", f"sess-{uuid.uuid4().hex[:12]}"),
        "trainer": {"user_id": user_id or f"trainer-{uuid.uuid4().hex[:8]}", "card_number": "ethc123-04",
                    "first_name": "Claude", "last_name": "Éthier", "email": "claude.ethier@example.org"},
        "organization_name": "CISSS de Laval",
        "activity_label": "Principes de déplacement sécuritaire des bénéficiaires (PDSB)",
        "end_date": "2026-02-27",
        "participant_count": participant_count,
        "unit_price": unit_price,
        "total": total,
        "currency": "CAD",
        "payment_method": payment_method,
        "bill_to": {"kind": bill_to_kind,
                    "name": "CISSS de Laval" if bill_to_kind == "organization" else "Claude Éthier",
                    "attention": "Marie Tremblay", "address": "1515, boulevard Chomedey", "city": "Laval",
                    "postal_code": "H7V 3Y7", "email": "comptes.payables@example.org"},
        "delivery": {"address": "1515, boulevard Chomedey", "city": "Laval", "postal_code": "H7V 3Y7",
                     "attention": "Marie Tremblay", "email": "formation@example.org"},
        "language": "fr",
    }
    payload.update(overrides)
    return payload


def envelope(event_type: str, payload: dict) -> Envelope:
    """The envelope as the consumer hands it to a handler: payload validated against the catalogue."""
    return Envelope(type=event_type, payload=validate_payload(event_type, 1, payload), producer="cards",
                    correlation_id=uuid.uuid4().hex)


def feed(db, event_type: str, payload: dict) -> Envelope:
    """Runs the billing handler for a real envelope, in one transaction, as the consumer does."""
    event = envelope(event_type, payload)
    with correlation_scope(event.correlation_id), db.transaction() as session:
        HANDLERS[event_type](session, event)
    return event


def issue(db, **kwargs) -> Invoice:
    payload = submitted_payload(**kwargs)
    feed(db, "cards.session_submitted", payload)
    with db.reading() as session:
        return session.scalars(select(Invoice).where(Invoice.session_id == payload["session_id"])).one()


def outbox_events(db, event_type: str | None = None, **payload_match) -> list[dict]:
    with db.reading() as session:
        query = select(OutboxMessage.envelope).order_by(OutboxMessage.id)
        if event_type:
            query = query.where(OutboxMessage.event_type == event_type)
        rows = session.scalars(query).all()
    return [row for row in rows if all(row["payload"].get(k) == v for k, v in payload_match.items())]


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_text_from_event(event: dict) -> str:
    return pdf_text(base64.b64decode(event["payload"]["pdf_base64"]))
