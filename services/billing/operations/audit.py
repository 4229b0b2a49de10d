"""Writing the audit trail (X4) beside the change it describes."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from services.billing.db.models import AuditEntry

SYSTEM_ACTOR = "system"


def audit(session: Session, actor_id: str, action: str, *, invoice_id: str | None = None,
          payment_id: str | None = None, details: dict | None = None, note: str | None = None) -> AuditEntry:
    entry = AuditEntry(occurred_at=datetime.now(UTC), actor_id=actor_id, action=action,
                       invoice_id=invoice_id, payment_id=payment_id, details=details or {}, note=note)
    session.add(entry)
    return entry
