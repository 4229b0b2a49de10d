"""Adding, changing and importing participants (C7, X5), with the duplicate rule:
the same person (names ignoring case and accents, plus birth date) only once per session.
"""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.orm import Session

from chassis.errors import ApiError, Conflict, ValidationFailed
from chassis.i18n import N_, _, ngettext
from services.cards.db.models import CardSession, Participant
from services.cards.domain.csv_import import CsvFileError, read_rows
from services.cards.domain.participants import clean_participant
from services.cards.domain.text import fold, person_key
from services.cards.operations import audit
from services.cards.operations.lifecycle import ensure_editable
from services.cards.operations.reference_data import title_lookup

MAX_UPLOAD_BYTES = 512 * 1024
DUPLICATE = N_("Cette personne est déjà inscrite à la session.")


def _too_many(limit: int) -> ValidationFailed:
    return ValidationFailed(fields={"participants": [
        _("Au plus %(limit)s participants par session.", limit=limit)]})


def _set_keys(participant: Participant) -> None:
    participant.person_key = person_key(participant.first_name, participant.last_name)
    participant.last_name_key = fold(participant.last_name)


def _is_duplicate(s: CardSession, candidate: Participant) -> bool:
    return any(other is not candidate and other.person_key == candidate.person_key
               and other.birth_date == candidate.birth_date for other in s.participants)


# How many participants a request has, and whether this person is one of them (built once).
_COUNT_AND_SAME_PERSON = select(
    select(func.count(Participant.id)).where(Participant.session_id == bindparam("session_id")).scalar_subquery(),
    exists().where(Participant.session_id == bindparam("session_id"),
                   Participant.person_key == bindparam("person_key"),
                   Participant.birth_date == bindparam("birth_date")))


def _count_and_duplicate(db_session: Session, s: CardSession, candidate: Participant) -> tuple[int, bool]:
    """One statement: how many participants the request has, and whether this person is one of them.

    Run after the request's row is locked (``FOR UPDATE``): every participant write locks it first,
    so this statement's snapshot holds every participant committed before ours.
    """
    count, duplicate = db_session.execute(_COUNT_AND_SAME_PERSON, {
        "session_id": s.id, "person_key": candidate.person_key, "birth_date": candidate.birth_date}).one()
    return count, bool(duplicate)


def add_participant(db_session: Session, s: CardSession, actor_id: str, data: dict,
                    max_participants: int) -> Participant:
    """Checks and adds one new participant of the locked request ``s``, without loading the others."""
    ensure_editable(s)
    clean, errors = clean_participant(data, titles=title_lookup(db_session), session_end=s.end_date)
    if errors:
        raise ValidationFailed(fields=errors)
    now = datetime.now(UTC)
    participant = Participant(id=str(uuid.uuid4()), session_id=s.id, created_at=now, updated_at=now,
                              attestations=[], **{"phone_ext": None, **clean})
    _set_keys(participant)
    count, duplicate = _count_and_duplicate(db_session, s, participant)
    if count >= max_participants:
        raise _too_many(max_participants)
    if duplicate:
        raise Conflict(DUPLICATE, code="duplicate_participant")
    db_session.add(participant)
    audit.record(db_session, actor_id, "participant_added", session_id=s.id, participant_id=participant.id)
    db_session.flush()
    return participant


def change_participant(db_session: Session, s: CardSession, participant: Participant, actor_id: str,
                       data: dict) -> None:
    ensure_editable(s)
    with db_session.no_autoflush:
        _change(db_session, s, participant, data)
    audit.record(db_session, actor_id, "participant_updated", session_id=s.id, participant_id=participant.id,
                 fields=sorted(data))
    db_session.flush()


def remove_participant(db_session: Session, s: CardSession, participant: Participant, actor_id: str) -> None:
    ensure_editable(s)
    db_session.delete(participant)
    audit.record(db_session, actor_id, "participant_removed", session_id=s.id, participant_id=participant.id)


def _change(db_session: Session, s: CardSession, participant: Participant, data: dict) -> None:
    clean, errors = clean_participant(data, titles=title_lookup(db_session, include_code=participant.title),
                                      session_end=s.end_date, partial=True)
    if errors:
        raise ValidationFailed(fields=errors)
    for field, value in clean.items():
        setattr(participant, field, value)
    _set_keys(participant)
    if _is_duplicate(s, participant):
        raise Conflict(DUPLICATE, code="duplicate_participant")
    participant.updated_at = datetime.now(UTC)


def import_participants(db_session: Session, s: CardSession, actor_id: str, content: bytes,
                        max_participants: int) -> list:
    """All or nothing: returns the new participants, or raises 422 listing ``{line, fields}`` for every bad line.

    ``content`` is read up to one byte past ``MAX_UPLOAD_BYTES``: more is a 413."""
    ensure_editable(s)
    if len(content) > MAX_UPLOAD_BYTES:
        raise ApiError(status=413, code="payload_too_large")
    created = _import(db_session, s, content, max_participants)
    audit.record(db_session, actor_id, "participants_imported", session_id=s.id, count=len(created))
    return created


def _import(db_session: Session, s: CardSession, content: bytes, max_participants: int) -> list:
    try:
        rows = read_rows(content)
    except CsvFileError as error:
        raise ValidationFailed(fields={"file": [str(error)]}, extra={"created": 0, "errors": []}) from None
    titles = title_lookup(db_session)
    seen = {(p.person_key, p.birth_date) for p in s.participants}
    line_errors, cleaned = [], []
    for row in rows:
        clean, errors = clean_participant(row.values, titles=titles, session_end=s.end_date)
        if not errors:
            identity = (person_key(clean["first_name"], clean["last_name"]), clean["birth_date"])
            if identity in seen:
                errors = {"_person": [_(DUPLICATE)]}
            seen.add(identity)
        if errors:
            line_errors.append({"line": row.line, "fields": errors})
        else:
            cleaned.append(clean)
    if line_errors:
        raise ValidationFailed(
            _("Le fichier contient des erreurs ; aucun participant n'a été ajouté."),
            fields={"file": [ngettext("%(num)d ligne en erreur.", "%(num)d lignes en erreur.", len(line_errors))]},
            extra={"created": 0, "errors": line_errors})
    if len(s.participants) + len(cleaned) > max_participants:
        raise _too_many(max_participants)
    now = datetime.now(UTC)
    created = []
    for clean in cleaned:
        participant = Participant(id=str(uuid.uuid4()), session_id=s.id, created_at=now, updated_at=now,
                                  **{"phone_ext": None, **clean})
        _set_keys(participant)
        s.participants.append(participant)
        created.append(participant)
    return created
