"""What a view needs from the app: the database, the notifier settings and secret box, the caller's portals.

Staff see the messages and webhooks of their own portal only.
"""
from __future__ import annotations

from flask import current_app

from chassis.http.current import database
from chassis.tokens import current_principal
from services.notifier.config import NotifierSettings
from services.notifier.domain.portals import staff_portals
from services.notifier.domain.secret_box import SecretBox

__all__ = ["caller_portals", "database", "secret_box", "settings"]


def settings() -> NotifierSettings:
    return current_app.extensions["notifier_settings"]


def secret_box() -> SecretBox:
    return current_app.extensions["notifier_secret_box"]


def caller_portals() -> set[str]:
    return staff_portals(current_principal().roles)
