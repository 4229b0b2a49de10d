"""What a view needs from the app: the database, the cards settings, the caller."""
from __future__ import annotations

from flask import current_app

from chassis.db import Database
from services.cards.config import CardsSettings


def database() -> Database:
    return current_app.extensions["db"]


def settings() -> CardsSettings:
    return current_app.extensions["cards_settings"]
