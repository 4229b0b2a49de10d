"""Law 25 retention of trainees: their date of birth and phone are anonymized (emptied, with the phone's
extension) ``CARDS_TRAINEE_RETENTION_YEARS`` after their session's end date, on Montréal's calendar. Names stay:
the attestations (and their public verification) show them.

``due`` is the one query: the staff preview (``GET /retention/preview``) shows its rows and ``run`` applies
exactly those, found again in the run's own transaction with their rows locked. Every request touched gets
one audit entry (``participants_anonymized``) naming the participants.
"""
from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from chassis.privacy_retention import SYSTEM_ACTOR, years_before
from services.cards.db.models import CardSession, Participant
from services.cards.domain.dates import today_in_montreal
from services.cards.operations import audit

FIELDS = ("birth_date", "phone", "phone_ext")


def due(session: Session, today: date, years: int, *, lock: bool = False) -> list[Participant]:
    """Participants of sessions that ended ``years`` years ago or earlier, not anonymized yet."""
    query = (select(Participant).join(CardSession, CardSession.id == Participant.session_id)
             .where(CardSession.end_date <= years_before(today, years), Participant.anonymized_at.is_(None))
             .order_by(CardSession.end_date, Participant.session_id, Participant.id))
    if lock:
        query = query.with_for_update(of=Participant)
    return list(session.scalars(query))


def describe(participant: Participant) -> dict:
    return {"participant_id": participant.id, "session_id": participant.session_id,
            "session_end_date": participant.session.end_date, "first_name": participant.first_name,
            "last_name": participant.last_name, "fields": list(FIELDS)}


def preview(session: Session, years: int, today: date | None = None) -> list[dict]:
    return [describe(p) for p in due(session, today or today_in_montreal(), years)]


def run(session: Session, years: int, today: date | None = None, now: datetime | None = None) -> list[dict]:
    """Anonymizes what ``preview`` shows, in the caller's transaction; returns its rows."""
    now = now or datetime.now(UTC)
    participants = due(session, today or today_in_montreal(now), years, lock=True)
    rows = [describe(p) for p in participants]
    by_session: dict[str, list[str]] = {}
    for participant in participants:
        participant.birth_date = participant.phone = participant.phone_ext = None
        participant.anonymized_at = now
        by_session.setdefault(participant.session_id, []).append(participant.id)
    for session_id, ids in by_session.items():
        audit.record(session, SYSTEM_ACTOR, "participants_anonymized", session_id=session_id,
                     participant_ids=ids, fields=list(FIELDS), retention_years=years)
    session.flush()
    return rows
