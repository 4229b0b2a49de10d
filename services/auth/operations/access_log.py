"""Who looked (Law 25): staff reads of someone's personal information, and who may list them.

Auth records its own reads (staff opening an account's page) in the read's request; the other services tell
theirs with ``<svc>.personal_data_viewed`` events (an outbox row in the read's transaction: no call on the
read's path), which ``on_personal_data_viewed`` records here. The persons in charge of personal information
are the staff accounts whose emails ``AUTH_PRIVACY_OFFICERS`` names; they alone list the log.
"""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from chassis.events.envelope import Envelope
from chassis.events.registry import validate_payload
from chassis.paging import paged
from chassis.principal import Principal
from services.auth.config import AuthSettings
from services.auth.db.models import PersonalDataView, User
from services.auth.domain.roles import STAFF_ROLES

ACCOUNT = "account"  # ``what`` of a staff read of an account's page (GET /users/{id})


def record_view(session: Session, service: str, viewer_id: str, what: str, subject: str,
                details: dict | None = None, at: datetime | None = None) -> None:
    session.execute(insert(PersonalDataView).values(
        viewed_at=at or datetime.now(UTC), service=service[:20], viewer_id=viewer_id[:64], what=what[:40],
        subject=subject[:300], details=dict(details or {})))


def on_personal_data_viewed(session: Session, event: Envelope) -> None:
    payload = validate_payload(event.type, event.version, event.payload)
    at = datetime.fromisoformat(str(event.occurred_at).replace("Z", "+00:00"))
    record_view(session, event.producer, payload["viewer_id"], payload["what"], payload["subject"],
                payload.get("details"), at if at.tzinfo else at.replace(tzinfo=UTC))


def is_privacy_officer(session: Session, settings: AuthSettings, principal: Principal) -> bool:
    if not settings.privacy_officers or not set(principal.roles) & set(STAFF_ROLES):
        return False
    user = session.get(User, principal.user_id)
    return user is not None and user.email_key in settings.privacy_officers


def list_views(session: Session, limit: int, offset: int, viewer_id: str | None = None,
               subject: str | None = None) -> tuple[list[PersonalDataView], int]:
    """Newest first; with ``viewer_id`` one staff member's reads, with ``subject`` one person's."""
    query = select(PersonalDataView)
    if viewer_id:
        query = query.where(PersonalDataView.viewer_id == viewer_id)
    if subject:
        query = query.where(PersonalDataView.subject == subject)
    return paged(session, query.order_by(PersonalDataView.viewed_at.desc(), PersonalDataView.id.desc()),
                 limit, offset)
