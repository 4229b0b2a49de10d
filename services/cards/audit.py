"""The audit trail (X4): one row per action on a request, written in the action's transaction."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.orm import Session

from services.cards.db.models import AuditEntry

BILLING_ACTOR = "system:billing"


def record(session: Session, actor_id: str, action: str, session_id: str | None = None, **details) -> None:
    session.add(AuditEntry(at=datetime.now(timezone.utc), actor_id=actor_id, action=action,
                           session_id=session_id, details=details))
