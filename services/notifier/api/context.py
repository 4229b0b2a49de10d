"""Who may see what: staff see the messages and webhooks of their own portal only."""
from __future__ import annotations

from chassis.tokens import current_principal
from services.notifier.domain.portals import STAFF_ROLES, staff_portals

__all__ = ["STAFF_ROLES", "caller_portals"]


def caller_portals() -> set[str]:
    return staff_portals(current_principal().roles)
