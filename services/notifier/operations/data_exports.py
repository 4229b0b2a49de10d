"""A person's data export, assembled here (Law 25): the request opens it, every expected service's part
fills it, and when the last one is in the ZIP is built and its link emailed (a pending message, sent by
the mail loop like any other). Parts are kept only until then; the ZIP until it is downloaded, once.

Parts may come in any order once the request is in; a part that comes before it (a redelivery racing
ahead) is refused for a retry: ``ExportNotKnownYet``.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from chassis.errors import ApiError, NotFound
from chassis.events.envelope import Envelope
from chassis.i18n import _
from services.notifier.db.models import DataExport, DataExportPart
from services.notifier.domain.export_archive import archive_name, build_archive

PURGE_BATCH = 20


class ExportNotKnownYet(LookupError):
    """A part of an export whose request has not been handled yet: raising makes the bus retry later."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_export(session: Session, event: Envelope, subject_name: str, own_files: list[dict]) -> DataExport | None:
    """The export the request asks for, with the notifier's own part; None when already opened."""
    payload = event.payload
    if session.get(DataExport, payload["export_id"]) is not None:
        return None
    export = DataExport(id=payload["export_id"], kind=payload["subject"]["kind"], subject_name=subject_name[:400],
                        recipient_user_id=payload["recipient"]["user_id"], portal=payload["recipient"]["portal"],
                        expected_parts=list(payload["parts"]),
                        requested_at=datetime.fromisoformat(payload["requested_at"]))
    session.add(export)
    session.add(DataExportPart(export_id=export.id, service="notifier", files=own_files, received_at=_now()))
    session.flush()
    return export


def add_part(session: Session, payload: dict) -> DataExport | None:
    """Stores one service's part (a redelivered one changes nothing); returns the export, locked."""
    export = session.get(DataExport, payload["export_id"], with_for_update=True)
    if export is None:
        raise ExportNotKnownYet(f"no request yet for export {payload['export_id']}")
    known = session.scalar(select(DataExportPart.id).where(DataExportPart.export_id == export.id,
                                                           DataExportPart.service == payload["service"]))
    if known is None and export.assembled_at is None:
        session.add(DataExportPart(export_id=export.id, service=payload["service"], files=payload["files"],
                                   received_at=_now()))
        session.flush()
    return export


def assemble_if_complete(session: Session, export: DataExport, link_hours: int) -> str | None:
    """When every expected part is in: the ZIP, a fresh single-use token (only its hash kept, the token
    returned for the email and nowhere else), the parts deleted. None while a part is missing or when
    already assembled."""
    if export.assembled_at is not None:
        return None
    parts = {part.service: part.files for part in
             session.scalars(select(DataExportPart).where(DataExportPart.export_id == export.id))}
    if not set(export.expected_parts) <= set(parts):
        return None
    now = _now()
    token = secrets.token_urlsafe(32)
    export.archive = build_archive(export.subject_name, export.requested_at, parts)
    export.archive_name = archive_name(export.requested_at)
    export.token_hash, export.assembled_at = token_hash(token), now
    export.expires_at = now + timedelta(hours=link_hours)
    session.execute(delete(DataExportPart).where(DataExportPart.export_id == export.id))
    _erase_expired_archives(session, now)
    return token


def _erase_expired_archives(session: Session, now: datetime) -> None:
    """ZIPs whose link expired unused are erased here, a few at a time (no separate job needed)."""
    stale = select(DataExport.id).where(DataExport.expires_at < now, DataExport.archive.is_not(None)).limit(PURGE_BATCH)
    session.execute(update(DataExport).where(DataExport.id.in_(stale)).values(archive=None))


def _now() -> datetime:
    return datetime.now(UTC)


def forget_recipient(session: Session, user_id: str) -> int:
    """An anonymized account's exports are erased with their ZIP and parts (``auth.account_anonymized``)."""
    ids = list(session.scalars(select(DataExport.id).where(DataExport.recipient_user_id == user_id)))
    if ids:
        session.execute(delete(DataExportPart).where(DataExportPart.export_id.in_(ids)))
        session.execute(delete(DataExport).where(DataExport.id.in_(ids)))
    return len(ids)


def take_archive(session: Session, token: str, user_id: str) -> tuple[str, bytes]:
    """The ZIP behind a link, for its recipient only, once: 404 for an unknown token or someone else's,
    410 once used or expired (the page then says which)."""
    export = session.scalar(select(DataExport).where(DataExport.token_hash == token_hash(token)).with_for_update())
    if export is None or export.recipient_user_id != user_id:
        raise NotFound(_("Ce lien de téléchargement n'existe pas."))
    if export.downloaded_at is not None:
        raise ApiError(_("Ce lien a déjà servi : demandez une nouvelle exportation depuis votre profil."),
                       status=410, code="export_used")
    now = _now()
    if export.archive is None or _aware(export.expires_at) <= now:
        raise ApiError(_("Ce lien a expiré : demandez une nouvelle exportation depuis votre profil."),
                       status=410, code="export_expired")
    name, data = export.archive_name, export.archive
    export.archive, export.downloaded_at = None, now
    return name, data


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
