"""Who looked (Law 25): ASSTSAS staff's participant searches are told to auth, which keeps the log of staff
reads (``cards.personal_data_viewed``), by an outbox row in the search's own transaction."""
from __future__ import annotations

from sqlalchemy.orm import Session

from services.cards import events

PARTICIPANT_SEARCH = "participant_search"


def participants_searched(session: Session, viewer_id: str, args: dict, found: dict) -> None:
    """``found``: the page answered (``items`` with their ids, ``total``)."""
    terms = " ".join(str(args[name]) for name in ("last_name", "birth_date") if args.get(name))
    events.emit(session, events.PERSONAL_DATA_VIEWED, {
        "viewer_id": viewer_id, "what": PARTICIPANT_SEARCH, "subject": terms[:300],
        "details": {"total": found["total"], "participant_ids": [item["id"] for item in found["items"]]}})
