"""Test pieces of the notifier: real SMTP sink on loopback, event builders, settings, handling like the consumer."""
from __future__ import annotations

import base64
import email
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from email import policy

from aiosmtpd.controller import Controller
from cryptography.fernet import Fernet
from sqlalchemy import delete

from chassis.bus.inbox import claim
from chassis.bus.tables import InboxMessage, OutboxMessage
from chassis.config import ServiceConfig
from chassis.correlation import new_id
from chassis.db import Database
from chassis.events.envelope import Envelope
from chassis.events.registry import validate_payload
from services.notifier.config import NotifierSettings
from services.notifier.db.models import Message, Recipient, Webhook, WebhookAttempt, WebhookDelivery

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TEST_SECRET_KEY = Fernet.generate_key().decode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """A real SMTP server on loopback (aiosmtpd) that keeps every message it accepts, parsed."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.received: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.peers: list[tuple[str, int]] = []      # the client's (address, port) of each accepted message
        self.refuse_once: dict[str, str] = {}       # recipient -> SMTP reply given once to its DATA (e.g. 451)
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        with self._lock:
            for recipient in envelope.rcpt_tos:
                if recipient in self.refuse_once:
                    return self.refuse_once.pop(recipient)
            self.peers.append(tuple(session.peer[:2]))
            self.received.append(email.message_from_bytes(envelope.original_content or envelope.content,
                                                          policy=policy.default))
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def start(self) -> SmtpSink:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def clear(self) -> None:
        with self._lock:
            self.received.clear()
            self.envelopes.clear()
            self.peers.clear()
            self.refuse_once.clear()

    @property
    def connections(self) -> int:
        """How many SMTP connections carried the accepted messages (one client port each)."""
        return len(set(self.peers))

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.received if address in str(m["To"])]


def make_config(database_url: str, smtp_port: int | None, **extra) -> ServiceConfig:
    values = {"SMTP_HOST": "127.0.0.1" if smtp_port else "", "SMTP_PORT": str(smtp_port or 25),
              "SMTP_TIMEOUT_SECONDS": "5", "MAIL_FROM": "Guichet <no-reply@guichet.test>",
              "SECRET_KEY": TEST_SECRET_KEY, "RETRY_BASE_SECONDS": "0", "RETRY_MAX_SECONDS": "0",
              "MAIL_MAX_ATTEMPTS": "3", "WEBHOOK_MAX_ATTEMPTS": "3", "WEBHOOK_TIMEOUT_SECONDS": "3",
              "WEBHOOKS_ALLOW_PRIVATE": "1", "POLL_SECONDS": "0.05",
              "BANK_DETAILS": "Caisse Test, transit 12345, compte 987654"}
    values.update(extra)
    return ServiceConfig(service="notifier", database_url=database_url, public_base_url="https://guichet.test",
                         extra=values)


def make_settings(database_url: str, smtp_port: int | None, **extra) -> NotifierSettings:
    return NotifierSettings.from_config(make_config(database_url, smtp_port, **extra))


def clear_tables(db: Database) -> None:
    with db.transaction() as session:
        for table in (WebhookAttempt, WebhookDelivery, Webhook, Message, Recipient, InboxMessage, OutboxMessage):
            session.execute(delete(table))


# -- events ------------------------------------------------------------------------------------
def envelope(event_type: str, payload: dict, **fields) -> Envelope:
    """A real envelope whose payload went through the catalogue, as the consumer hands it over."""
    clean = validate_payload(event_type, 1, payload)
    return Envelope(type=event_type, payload=clean, producer=event_type.split(".")[0], correlation_id=new_id(),
                    **fields)


def handle(db: Database, handlers, event: Envelope, consumer: str = "notifier") -> bool:
    """What the chassis consumer does: inbox claim + handler in one transaction."""
    with db.transaction() as session:
        if not claim(session, consumer, event):
            return False
        handlers[event.type](session, event)
    return True


def _in_days(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def user(user_id="u-member-1", email_address="marie@example.test", roles=("member",), language="fr", **extra) -> dict:
    return {"user_id": user_id, "email": email_address, "first_name": "Marie", "last_name": "Tremblay",
            "roles": list(roles), "language": language, **extra}


def trainer(language="fr", **extra) -> dict:
    return user("u-trainer-1", "claude.ethier@example.test", ("trainer",), language, username="ethc123",
                card_number="ethc123-04", **extra) | {"first_name": "Claude", "last_name": "Ethier"}


def with_password(payload: dict, password="Tmp-9f3K-x7Qa", days=2) -> dict:
    return {**payload, "temporary_password": password, "expires_at": _in_days(days)}


def invoice(method="cheque", language="fr", **extra) -> dict:
    return {"invoice_id": "inv-1", "number": "F-2026-00042", "session_id": "s-1", "customer_user_id": "u-trainer-1",
            "email": "factures@example.test", "name": "Claude Ethier", "total": "24.00", "balance": "24.00",
            "currency": "CAD", "payment_method": method, "pay_url": None,
            "pdf_base64": base64.b64encode(PDF_BYTES).decode(), "language": language, **extra}


def payment(language="fr", balance="0.00") -> dict:
    return {"payment_id": "p-1", "invoice_id": "inv-1", "number": "F-2026-00042", "session_id": "s-1",
            "customer_user_id": "u-trainer-1", "email": "factures@example.test", "name": "Claude Ethier",
            "method": "cheque", "amount": "24.00", "balance": balance, "currency": "CAD", "language": language}


def shipped(language="fr") -> dict:
    return {"session_id": "s-1", "trainer_user_id": "u-trainer-1", "email": "livraison@example.test",
            "first_name": "Claude", "last_name": "Ethier", "participant_count": 12,
            "shipped_at": datetime.now(UTC).isoformat(), "language": language}


def admin_added(user_id="u-member-1") -> dict:
    return {"house_id": "h-1", "house_name": "Productions Boréales", "user_id": user_id, "actor_id": "u-staff",
            "delegate": False}


def access_granted(user_id="u-member-1") -> dict:
    return {"sheet_id": "sh-1", "sheet_title": "Les Grands Froids", "house_id": "h-1", "user_id": user_id,
            "actor_id": "u-admin"}


def wait_for(predicate, timeout: float = 5.0, interval: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
