"""Where emails go: an SMTP server, or (embedded default, no host configured) ``.eml`` files in a folder."""
from __future__ import annotations

import smtplib
import ssl
import uuid
from datetime import datetime, timezone
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from chassis.logging import get_logger
from services.notifier.config import NotifierSettings

log = get_logger("notifier")


class MailTransport(Protocol):
    def send(self, email: EmailMessage) -> None: ...


class SmtpTransport:
    """Plain SMTP, STARTTLS when asked, implicit TLS on port 465, login when a user is set."""

    def __init__(self, host: str, port: int, *, starttls: bool = False, user: str = "", password: str = "",
                 timeout: float = 10.0):
        self.host, self.port, self.starttls = host, port, starttls
        self.user, self.password, self.timeout = user, password, timeout

    def send(self, email: EmailMessage) -> None:
        if self.port == 465:
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client as smtp:
            if self.starttls and self.port != 465:
                smtp.starttls(context=ssl.create_default_context())
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(email)


class FileTransport:
    """Writes each email as ``<UTC time>-<id>.eml`` and logs its subject (never its body)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def send(self, email: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
        path = self.folder / name
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(bytes(email))
        temporary.replace(path)
        log.info("mail_written", subject=str(email["Subject"]), to=str(email["To"]), file=str(path))


def transport_for(settings: NotifierSettings) -> MailTransport:
    if not settings.smtp_host:
        return FileTransport(settings.mail_outbox_dir)
    return SmtpTransport(settings.smtp_host, settings.smtp_port, starttls=settings.smtp_starttls,
                         user=settings.smtp_user, password=settings.smtp_password,
                         timeout=settings.smtp_timeout_seconds)
