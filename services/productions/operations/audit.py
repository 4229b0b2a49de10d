"""The audit trail (X4): one row per change, written in the change's own transaction."""
from __future__ import annotations

from sqlalchemy.orm import Session

from services.productions.db.models import AuditEntry

ACTIONS = ("house_created", "house_updated", "admin_added", "admin_removed", "producer_created",
           "sheet_created", "sheet_updated", "access_granted", "access_revoked", "set_handoff")


def record_audit(session: Session, action: str, actor_id: str, *, house_id: str | None = None,
                 sheet_id: str | None = None, subject_user_id: str | None = None,
                 details: dict | None = None) -> AuditEntry:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action}")
    entry = AuditEntry(action=action, actor_id=actor_id, house_id=house_id, sheet_id=sheet_id,
                       subject_user_id=subject_user_id, details=details or {})
    session.add(entry)
    return entry
