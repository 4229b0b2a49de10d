"""Emitting the cards service's events (schemas in ``chassis/events/catalogue/cards.py``).

Always inside the ``db.transaction()`` that changes the state the event describes.
"""
from __future__ import annotations

from chassis.bus.outbox import emitter

PRODUCER = "cards"
SESSION_SUBMITTED = "cards.session_submitted"
SESSION_CANCELLED = "cards.session_cancelled"
CARDS_ISSUED = "cards.cards_issued"
SESSION_SHIPPED = "cards.session_shipped"
PERSONAL_DATA_VIEWED = "cards.personal_data_viewed"

emit = emitter(PRODUCER)
