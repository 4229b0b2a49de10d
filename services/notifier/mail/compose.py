"""A ``Message`` row (plus its secret, if any) -> a MIME email with text, HTML and the attachment."""
from __future__ import annotations

from email.message import EmailMessage
from email.utils import formataddr, formatdate

from services.notifier.db.models import Message
from services.notifier.mail.templates import render_bodies

SECRET_FIELD = "temporary_password"


def build_email(message: Message, mail_from: str, secret: str | None = None) -> EmailMessage:
    context = dict(message.context)
    if secret is not None:
        context[SECRET_FIELD] = secret
    text, html = render_bodies(message.template, message.language, context)
    email = EmailMessage()
    email["From"] = mail_from
    email["To"] = formataddr((message.to_name, message.to_address))
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False, usegmt=True)
    # The same for every attempt of one message: a copy re-sent after a crash between the SMTP
    # server's acceptance and our bookkeeping is recognisable (and dropped by receivers that dedupe).
    email["Message-ID"] = f"<{message.id}@guichet.notifier>"
    email["X-Guichet-Template"] = message.template
    email["X-Guichet-Event-Id"] = message.event_id
    email.set_content(text)
    email.add_alternative(html, subtype="html")
    if message.attachment_data is not None:
        maintype, _, subtype = (message.attachment_content_type or "application/octet-stream").partition("/")
        email.add_attachment(message.attachment_data, maintype=maintype, subtype=subtype,
                             filename=message.attachment_filename)
    email["Content-Language"] = message.language  # after the body: set_content drops Content-* headers
    return email
