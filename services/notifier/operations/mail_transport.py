"""Where emails go: an SMTP server, or (embedded default, no host configured) ``.eml`` files in a folder."""
from __future__ import annotations

import smtplib
import ssl
import time
import uuid
from datetime import UTC, datetime
from email.message import Message as EmailMessage  # what mail.compose builds (compat32 MIME)
from pathlib import Path
from typing import Protocol

from chassis.logging import get_logger
from services.notifier.config import NotifierSettings

log = get_logger("notifier")
_CHECK_AFTER_IDLE_SECONDS = 1.0  # a connection idle this long gets a NOOP before it carries an email


class MailTransport(Protocol):
    def send(self, email: EmailMessage) -> None: ...

    def close(self) -> None: ...

    def close_if_idle(self) -> None: ...


class SmtpTransport:
    """Plain SMTP, STARTTLS when asked, implicit TLS on port 465, login when a user is set.

    One connection carries many emails: it is opened at the first ``send`` and kept for the next ones,
    at most ``messages_per_connection`` emails (servers limit them; Exchange's default is 20) and while it
    has been idle less than ``keepalive_seconds``. A connection idle for a second or more is checked with a
    NOOP before it is used again. Any failure closes it (quietly) and is raised: the next ``send`` opens a
    fresh one, so one email's error never becomes the next email's.
    """

    def __init__(self, host: str, port: int, *, starttls: bool = False, user: str = "", password: str = "",
                 timeout: float = 10.0, keepalive_seconds: float = 10.0, messages_per_connection: int = 20):
        self.host, self.port, self.starttls = host, port, starttls
        self.user, self.password, self.timeout = user, password, timeout
        self.keepalive_seconds = keepalive_seconds
        self.messages_per_connection = max(1, messages_per_connection)
        self.connections_opened = 0
        self._client: smtplib.SMTP | None = None
        self._sent_on_connection = 0
        self._last_used = 0.0

    def send(self, email: EmailMessage) -> None:
        client = self._connection()
        try:
            client.send_message(email)
        except BaseException:
            self.close()
            raise
        self._sent_on_connection += 1
        self._last_used = time.monotonic()
        if self._sent_on_connection >= self.messages_per_connection:
            self.close()

    def close(self) -> None:
        """Ends the connection (QUIT), if any; never raises."""
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.quit()
        except Exception:
            client.close()

    def close_if_idle(self) -> None:
        if self._client is not None and time.monotonic() - self._last_used >= self.keepalive_seconds:
            self.close()

    def _connection(self) -> smtplib.SMTP:
        if self._client is not None:
            idle = time.monotonic() - self._last_used
            if idle >= self.keepalive_seconds or (idle >= _CHECK_AFTER_IDLE_SECONDS and not self._alive()):
                self.close()
        if self._client is None:
            self._client = self._open()
            self._sent_on_connection = 0
            self._last_used = time.monotonic()
        return self._client

    def _alive(self) -> bool:
        try:
            return self._client.noop()[0] == 250
        except Exception:
            return False

    def _open(self) -> smtplib.SMTP:
        if self.port == 465:
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.starttls and self.port != 465:
                client.starttls(context=ssl.create_default_context())
            if self.user:
                client.login(self.user, self.password)
        except BaseException:
            client.close()
            raise
        self.connections_opened += 1
        return client


class FileTransport:
    """Writes each email as ``<UTC time>-<id>.eml`` and logs its subject (never its body)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def send(self, email: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
        path = self.folder / name
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(bytes(email))
        temporary.replace(path)
        log.info("mail_written", subject=str(email["Subject"]), to=str(email["To"]), file=str(path))

    def close(self) -> None:
        pass

    def close_if_idle(self) -> None:
        pass


def transport_for(settings: NotifierSettings) -> MailTransport:
    if not settings.smtp_host:
        return FileTransport(settings.mail_outbox_dir)
    return SmtpTransport(settings.smtp_host, settings.smtp_port, starttls=settings.smtp_starttls,
                         user=settings.smtp_user, password=settings.smtp_password,
                         timeout=settings.smtp_timeout_seconds,
                         keepalive_seconds=settings.smtp_keepalive_seconds,
                         messages_per_connection=settings.smtp_messages_per_connection)
