"""The email delivery loop: sends pending messages, retries with backoff, then marks them failed.

A failed message is the notifier's dead letter for email: it stays in the delivery log with its last
error and is replayed by staff (``POST /messages/{id}/retry``) or an operator (``cli retry-messages``).
A temporary password is decrypted only to render the email; its ciphertext is erased as soon as the
message is sent, and in any case once the password has expired.
"""
from __future__ import annotations

import smtplib
import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from chassis import tracing
from chassis.bus.wakeup import Doorbell
from chassis.db import Database
from chassis.i18n import _
from chassis.logging import get_logger
from services.notifier.config import NotifierSettings
from services.notifier.db.models import Message
from services.notifier.domain.backoff import next_attempt_at
from services.notifier.domain.mail_compose import build_email
from services.notifier.domain.secret_box import SecretBox
from services.notifier.domain.wakeup_channels import MAIL_CHANNEL
from services.notifier.operations.claiming import claim_due
from services.notifier.operations.delivery_metrics import EMAIL_ATTEMPTS
from services.notifier.operations.mail_transport import MailTransport, transport_for
from services.notifier.operations.messages import FAILED, PENDING, SENT

log = get_logger("notifier", component="mail_delivery")
PURGE_EVERY = timedelta(seconds=1)  # expired secrets are erased at most this often (a pass per commit otherwise)


class SecretExpired(Exception):
    """The temporary password expired before it could be sent: the person must ask for a new one."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


class MailSender:
    def __init__(self, db: Database, settings: NotifierSettings, transport: MailTransport | None = None,
                 box: SecretBox | None = None, clock=_utcnow, wait_clock=time.monotonic):
        self.db, self.settings = db, settings
        self.transport = transport or transport_for(settings)
        self.box = box or SecretBox(settings)
        self.clock = clock
        self.wait_clock = wait_clock  # measures the poll between passes; frozen in a test, only a commit wakes
        self._last_purge: datetime | None = None
        # Every process that sends emails (sender, worker --role all|send, embedded) traces when configured.
        tracing.setup_tracing("notifier")
        tracing.trace_database(db, "notifier")

    def run_once(self) -> int:
        """One pass, then the SMTP connection is closed (operators' ``deliver-once``, tests)."""
        try:
            return self.deliver_due()
        finally:
            self.transport.close()

    def deliver_due(self) -> int:
        """One pass: purge expired secrets, send every due message (a batch of at most ``BATCH_SIZE``, over
        one SMTP connection, reopened after an error). Returns how many were attempted."""
        now = self.clock()
        if self._last_purge is None or now - self._last_purge >= PURGE_EVERY:
            self.purge_expired_secrets(now)
            self._last_purge = now
        ids = claim_due(self.db, Message, now, self.settings.batch_size,
                        lease=timedelta(seconds=self.settings.lease_seconds))
        if not ids:
            return 0
        with self.db.reading() as session:
            messages = {m.id: m for m in session.scalars(select(Message).where(Message.id.in_(ids)))}
            session.expunge_all()
        for message_id in ids:  # oldest due first
            if message_id in messages:
                self._deliver(messages[message_id])
        return len(ids)

    def run_forever(self, stop_event: threading.Event) -> None:
        """Passes until ``stop_event``: at once while batches are full, else when a commit staged an email
        (``wakeup``) or, as a safety net (and for retries coming due), every ``POLL_SECONDS``."""
        bell = Doorbell(self.db, MAIL_CHANNEL, log, log_prefix="delivery", clock=self.wait_clock)
        log.info("mail_delivery_started", transport=type(self.transport).__name__, wakeup_channel=bell.channel)
        try:
            while not stop_event.is_set():
                try:
                    bell.arm()
                    busy = self.deliver_due()
                except Exception as error:  # the database may be away for a while: keep the loop alive
                    log.error("mail_delivery_pass_failed", error=type(error).__name__, exc_info=error)
                    busy = 0
                if busy < self.settings.batch_size:
                    if not busy:
                        self.transport.close_if_idle()
                    bell.wait(self.settings.poll_seconds, stop_event)
        finally:
            bell.close()
            self.transport.close()

    def purge_expired_secrets(self, now: datetime) -> int:
        with self.db.transaction() as session:
            result = session.execute(update(Message)
                                     .where(Message.secret_ciphertext.is_not(None), Message.secret_expires_at <= now)
                                     .values(secret_ciphertext=None))
            return result.rowcount or 0

    def _deliver(self, message: Message) -> None:
        try:
            # The trace of the event that staged the email goes on here, in the sender (when tracing is on).
            with tracing.continuing("notifier", "send email", message.trace, kind="client",
                                    attributes={"guichet.email.template": message.template,
                                                "guichet.email.message_id": message.id,
                                                "messaging.message.id": message.event_id}):
                secret = self._secret_of(message)
                self.transport.send(build_email(message, self.settings.mail_from, secret))
        except Exception as error:  # any failure is recorded on the message, never raised out of the loop
            self._record_failure(message.id, error)
            return
        self._record_sent(message)

    def _secret_of(self, message: Message) -> str | None:
        if message.secret_ciphertext and not _expired(message.secret_expires_at, self.clock()):
            return self.box.open(message.secret_ciphertext)
        if message.secret_expires_at is not None:
            raise SecretExpired(_("Le mot de passe temporaire a expiré ; une nouvelle demande est nécessaire."))
        return None

    def _record_sent(self, message: Message) -> None:
        """One statement: sent, and the secret and the attachment erased (the invoice PDF stays in billing)."""
        table = Message.__table__  # a Core statement: the ORM's bulk-update machinery cost as much as the send
        with self.db.transaction() as session:
            attempts = session.execute(
                update(table).where(table.c.id == message.id)
                .values(attempts=table.c.attempts + 1, status=SENT, sent_at=self.clock(), last_error=None,
                        secret_ciphertext=None, attachment_data=None)
                .returning(table.c.attempts)).scalar_one()
        EMAIL_ATTEMPTS.labels(message.template, "sent").inc()
        log.info("mail_sent", message_id=message.id, template=message.template, event_id=message.event_id,
                 attempts=attempts)

    def _record_failure(self, message_id: str, error: Exception) -> None:
        now = self.clock()
        with self.db.transaction() as session:
            message = session.get(Message, message_id, with_for_update=True)
            message.attempts += 1
            message.last_error = f"{type(error).__name__}: {error}"[:1000]
            if _permanent(error) or message.attempts >= self.settings.mail_max_attempts:
                message.status = FAILED
                EMAIL_ATTEMPTS.labels(message.template, "failed").inc()
                log.error("mail_failed", message_id=message.id, template=message.template, event_id=message.event_id,
                          attempts=message.attempts, error=message.last_error)
            else:
                message.status = PENDING
                EMAIL_ATTEMPTS.labels(message.template, "retry").inc()
                message.next_attempt_at = next_attempt_at(now, message.attempts, self.settings.retry_base_seconds,
                                                          self.settings.retry_max_seconds)
                log.warning("mail_retry_scheduled", message_id=message.id, template=message.template,
                            attempts=message.attempts, next_attempt_at=message.next_attempt_at.isoformat(),
                            error=type(error).__name__)


def _expired(expires_at: datetime | None, now: datetime) -> bool:
    """Also between two purges; SQLite gives the stored UTC time back without its zone."""
    if expires_at is None:
        return False
    return (expires_at if expires_at.tzinfo else expires_at.replace(tzinfo=UTC)) <= now


def _permanent(error: Exception) -> bool:
    """No point retrying: every recipient refused with a 5xx, or the secret is gone."""
    if isinstance(error, SecretExpired):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    return False
