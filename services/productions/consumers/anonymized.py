"""``auth.account_anonymized``: a member's account was anonymized (Law 25); productions does the same with
what it holds (``operations/anonymization.py``). Once per event (the inbox), and a second one finds nothing."""
from __future__ import annotations

from sqlalchemy.orm import Session

from chassis.events.envelope import Envelope
from chassis.events.registry import validate_payload
from services.productions.operations.anonymization import anonymize_user


def on_account_anonymized(session: Session, event: Envelope) -> None:
    payload = validate_payload(event.type, event.version, event.payload)
    anonymize_user(session, payload["user_id"], payload["pseudonym"], payload["reason"])
