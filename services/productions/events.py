"""Emitting the productions events: always inside the transaction of the change that causes them."""
from __future__ import annotations

from chassis.bus.outbox import emitter

PRODUCER = "productions"

HOUSE_CREATED = "productions.house_created"
HOUSE_ADMIN_ADDED = "productions.house_admin_added"
HOUSE_ADMIN_REMOVED = "productions.house_admin_removed"
SHEET_CREATED = "productions.sheet_created"
SHEET_UPDATED = "productions.sheet_updated"
ACCESS_GRANTED = "productions.access_granted"
ACCESS_REVOKED = "productions.access_revoked"
SET_HANDOFF = "productions.set_handoff"


emit = emitter(PRODUCER)
