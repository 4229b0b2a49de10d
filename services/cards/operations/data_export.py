"""ASSTSAS staff export what the platform holds on a trainee without an account (Law 25), from the
participant search: the same parts and ZIP as a person's own export, the link emailed to the staff member.

The trainee is the participant staff picked and every other participant row of the same person (same
name, folded, and birth date), across requests. The export is a line of the audit trail and of auth's log of
staff reads."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from chassis.errors import NotFound
from chassis.i18n import _
from chassis.privacy_export import PARTICIPANT, PARTICIPANT_EXPORT_REQUESTED, expected_parts
from services.cards.db.models import Participant
from services.cards.events import PERSONAL_DATA_VIEWED, emit
from services.cards.operations import audit

EXPORTED = "participant_exported"


def request_participant_export(db_session: Session, staff_user_id: str, participant_id: str) -> dict:
    picked = db_session.get(Participant, participant_id)
    if picked is None:
        raise NotFound(_("Participant introuvable."))
    # Without its birth date (emptied by retention) a row names no one else for sure: it stays alone.
    same_person = [picked.id] if picked.birth_date is None else list(db_session.scalars(
        select(Participant.id).where(Participant.person_key == picked.person_key,
                                     Participant.birth_date == picked.birth_date).order_by(Participant.id)))
    born = picked.birth_date.isoformat() if picked.birth_date else None
    export_id, now = str(uuid.uuid4()), datetime.now(UTC)
    emit(db_session, PARTICIPANT_EXPORT_REQUESTED, {
        "export_id": export_id,
        "subject": {"kind": PARTICIPANT, "first_name": picked.first_name, "last_name": picked.last_name,
                    "birth_date": born, "participant_ids": same_person},
        "recipient": {"user_id": staff_user_id, "portal": "cards"},
        "parts": expected_parts(), "requested_at": now.isoformat()}, sensitive=True)
    audit.record(db_session, staff_user_id, EXPORTED, session_id=picked.session_id, export_id=export_id,
                 participant_ids=same_person)
    # A staff read of someone's information: auth's log of staff reads lists it ("who looked").
    emit(db_session, PERSONAL_DATA_VIEWED, {
        "viewer_id": staff_user_id, "what": "export",
        "subject": f"{picked.first_name} {picked.last_name}" + (f" ({born})" if born else ""),
        "details": {"export_id": export_id, "participant_ids": same_person}})
    return {"export_id": export_id, "requested_at": now, "participant_count": len(same_person)}
