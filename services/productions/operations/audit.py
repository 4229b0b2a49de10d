"""The audit trail (X4): one row per change, written in the change's own transaction.

``record(session, actor, action, **subject)``: ``house_id``, ``sheet_id`` and ``subject_user_id`` are columns,
``details={...}`` the rest; an action outside ``ACTIONS`` is refused before anything is written.
"""
from __future__ import annotations

from chassis.audit import AuditTrail
from services.productions.db.models import AuditEntry

ACTIONS = ("house_created", "house_updated", "admin_added", "admin_removed", "producer_created",
           "sheet_created", "sheet_updated", "access_granted", "access_revoked", "set_handoff",
           "account_anonymized")

record = AuditTrail(AuditEntry, time_column="occurred_at", actions=ACTIONS).record
