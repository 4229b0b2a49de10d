"""The audit trail (X4): one row per action on a request, written in the action's transaction
(``record(session, actor, action, session_id=..., **details)``: chassis ``AuditTrail``)."""
from __future__ import annotations

from chassis.audit import AuditTrail
from services.cards.db.models import AuditEntry

BILLING_ACTOR = "system:billing"
record = AuditTrail(AuditEntry).record
