"""Staging one email (a ``pending`` row in the consumer's transaction; the delivery loop sends it later),
finding one for staff, and replaying a failed one.

Nothing is sent from a handler, so a redelivered event (rolled back, or deduplicated by the inbox)
never gives a second email. The subject is rendered now (it goes in the delivery log); the bodies are
rendered at send time from ``context``, which never holds the secret.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from chassis import tracing
from chassis.bus.wakeup import ring
from chassis.errors import Conflict, NotFound
from chassis.events.envelope import Envelope
from chassis.i18n import _
from services.notifier.db.models import Message
from services.notifier.domain.mail_compose import SECRET_FIELD
from services.notifier.domain.mail_templates import language_of, render_bodies, render_subject
from services.notifier.domain.secret_box import SecretBox
from services.notifier.domain.wakeup_channels import MAIL_CHANNEL

PENDING, SENT, FAILED = "pending", "sent", "failed"
_PLACEHOLDER = "••••••••"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Secret:
    value: str
    expires_at: datetime


def record_message(session: Session, envelope: Envelope, *, template: str, portal: str, language: str | None,
                   to_address: str, to_name: str, context: dict, box: SecretBox, secret: Secret | None = None,
                   attachment: Attachment | None = None) -> Message | None:
    """Adds the pending email unless this event already gave this template (then returns None)."""
    existing = session.scalar(select(Message.id).where(Message.event_id == envelope.id, Message.template == template))
    if existing is not None:
        return None
    if SECRET_FIELD in context:
        raise ValueError("the secret goes in `secret`, never in the stored context")
    language = language_of(language)
    subject = render_subject(template, language, context)
    # Render the bodies once now, so a template error retries and dead-letters the event instead of the email.
    render_bodies(template, language, dict(context, **({SECRET_FIELD: _PLACEHOLDER} if secret else {})))
    now = datetime.now(UTC)
    message = Message(
        id=str(uuid.uuid4()), event_id=envelope.id, event_type=envelope.type, portal=portal, template=template,
        language=language, to_address=to_address, to_name=to_name, subject=subject, context=context,
        secret_ciphertext=box.seal(secret.value) if secret else None,
        secret_expires_at=secret.expires_at if secret else None,
        attachment_filename=attachment.filename if attachment else None,
        attachment_content_type=attachment.content_type if attachment else None,
        attachment_data=attachment.data if attachment else None,
        status=PENDING, attempts=0, next_attempt_at=now, created_at=now, trace=tracing.current_trace(),
    )
    session.add(message)
    ring(session, MAIL_CHANNEL)  # the mail loop wakes when this transaction commits
    return message


def visible_message(session: Session, message_id: str, portals: set[str]) -> Message:
    """The message when it belongs to one of ``portals`` (the caller's), else 404."""
    message = session.get(Message, message_id)
    if message is None or message.portal not in portals:
        raise NotFound(_("Message introuvable."))
    return message


def replay(session: Session, message: Message) -> None:
    """A failed (dead-lettered) email goes back to pending with a fresh set of attempts (API and CLI)."""
    if message.status != FAILED:
        raise Conflict(_("Seul un message en échec peut être renvoyé."))
    if message.secret_expires_at is not None and message.secret_ciphertext is None:
        raise Conflict(_("Le mot de passe temporaire a expiré : la personne doit en demander un nouveau."))
    message.status, message.attempts = PENDING, 0
    message.next_attempt_at = datetime.now(UTC)
    ring(session, MAIL_CHANNEL)
