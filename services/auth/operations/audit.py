"""Auth's audit trail (chassis ``AuditTrail``): one row per anonymization, in its own transaction."""
from __future__ import annotations

from chassis.audit import AuditTrail
from services.auth.db.models import AuditEntry

ACTIONS = ("account_anonymized", "dormancy_warned")

record = AuditTrail(AuditEntry, actions=ACTIONS).record
