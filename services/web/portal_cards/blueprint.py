"""The trainers' portal blueprint and what its pages share: who may see them, today's date in Québec."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint

from services.web.web_session import CARDS_STAFF

blp = Blueprint("portal_cards", __name__)
TRAINER = ("trainer", CARDS_STAFF)


def today() -> str:
    return datetime.now(ZoneInfo("America/Montreal")).date().isoformat()
