"""Writing the audit trail (X4) beside the change it describes
(``record(session, actor, action, invoice_id=..., payment_id=..., details=..., note=...)``: chassis ``AuditTrail``)."""
from __future__ import annotations

from chassis.audit import AuditTrail
from services.billing.db.models import AuditEntry

SYSTEM_ACTOR = "system"
record = AuditTrail(AuditEntry, time_column="occurred_at").record
