"""The notifier's side of a data export (Law 25): it opens the export when the request comes (with its own
part: the emails sent to the person), stores each service's part, and when the last expected one is in,
assembles the ZIP and stages the email with its single-use link to the recipient.

It emits nothing: the link's token goes only into the email (sealed like a temporary password)."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chassis.events.envelope import Envelope
from chassis.privacy_export import Subject, link_hours, part_files
from services.notifier.consumers.directory import find_recipient
from services.notifier.consumers.emails import EmailHandlers
from services.notifier.db.models import DataExport, Message
from services.notifier.operations import data_exports
from services.notifier.operations.messages import Secret, record_message

TEMPLATE = "data_export_ready"


def emails_sent_to(session: Session, subject: Subject) -> list[dict]:
    """The notifier's part: the emails sent to the person's address (what, when; never a body)."""
    if not subject.is_account or not subject.email:
        return []
    rows = session.scalars(select(Message).where(func.lower(Message.to_address) == subject.email.lower())
                           .order_by(Message.created_at))
    return [{"created_at": m.created_at, "sent_at": m.sent_at, "status": m.status, "template": m.template,
             "subject": m.subject, "to_address": m.to_address, "language": m.language} for m in rows]


def _subject_name(subject: Subject) -> str:
    name = f"{subject.first_name} {subject.last_name}".strip()
    return f"{name} ({subject.birth_date})" if subject.birth_date else name


class ExportHandlers:
    def __init__(self, emails: EmailHandlers):
        self.emails = emails  # its box (the token is sealed), links and common email fields

    def export_requested(self, session: Session, event: Envelope) -> None:
        find_recipient(session, event.payload["recipient"]["user_id"])  # known before anything is stored
        subject = Subject.from_payload(event.payload["subject"])
        own = part_files({"emails_sent": emails_sent_to(session, subject)})
        export = data_exports.open_export(session, event, _subject_name(subject), own)
        if export is not None:
            self._email_when_complete(session, event, export)

    def part_received(self, session: Session, event: Envelope) -> None:
        export = data_exports.add_part(session, event.payload)
        self._email_when_complete(session, event, export)

    def _email_when_complete(self, session: Session, event: Envelope, export: DataExport) -> None:
        token = data_exports.assemble_if_complete(session, export, link_hours())
        if token is None:
            return
        person = find_recipient(session, export.recipient_user_id)
        record_message(session, event, template=TEMPLATE, portal=export.portal, language=person.language,
                       to_address=person.email, to_name=f"{person.first_name} {person.last_name}".strip(),
                       box=self.emails.box, secret=Secret(token, export.expires_at),
                       context={**self.emails.common(export.portal), "first_name": person.first_name,
                                "last_name": person.last_name,
                                "own_data": export.kind == "account", "subject_name": export.subject_name,
                                "expires_at": export.expires_at.isoformat(),
                                "download_url": self.emails.links.data_export(export.portal)})
