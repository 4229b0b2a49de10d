"""What a view needs from the app: the database, the hand-off keys and settings, the caller."""
from __future__ import annotations

from flask import current_app

from chassis.http.current import database
from chassis.tokens import Principal, current_principal
from services.productions.operations.handoffs import HandoffSettings
from services.productions.operations.signing import HandoffKeys

__all__ = ["caller", "database", "handoff_keys", "handoff_settings"]


def handoff_keys() -> HandoffKeys:
    return current_app.extensions["handoff_keys"]


def handoff_settings() -> HandoffSettings:
    return current_app.extensions["handoff_settings"]


def caller() -> Principal:
    return current_principal()
