"""The audit trail (X4): one row per action on a request, written in the action's transaction."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from services.cards.db.models import AuditEntry

BILLING_ACTOR = "system:billing"
# A Core insert in the caller's transaction (the row needs no unit of work: nothing reads it back in the
# same request): a quarter of a submit's CPU was the ORM's flush of this row and of the session's update.
_INSERT = insert(AuditEntry.__table__)


def record(session: Session, actor_id: str, action: str, session_id: str | None = None, **details) -> None:
    session.connection().execute(_INSERT, {"at": datetime.now(UTC), "actor_id": actor_id, "action": action,
                                           "session_id": session_id, "details": details})
