"""What a view needs from the app: the database, the cards settings."""
from __future__ import annotations

from flask import current_app

from chassis.http.current import database
from services.cards.config import CardsSettings

__all__ = ["database", "settings"]


def settings() -> CardsSettings:
    return current_app.extensions["cards_settings"]
