"""Operator commands: list failed emails, replay them, generate a key."""
from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import update

from services.notifier import cli
from services.notifier.db.models import Message
from tests.notifier.support import TEST_SECRET_KEY, envelope, handle, payment, shipped

pytestmark = pytest.mark.integration


def run(*argv) -> tuple[int, str]:
    out = io.StringIO()
    return cli.main(list(argv), out=out), out.getvalue()


def test_generate_key_gives_a_fernet_key():
    status, output = run("generate-key")
    assert status == 0 and Fernet(output.strip().encode())


def test_failed_messages_are_listed_replayed_and_delivered(db, smtp, handlers, monkeypatch):
    monkeypatch.setenv("NOTIFIER_DATABASE_URL", db.url)
    monkeypatch.setenv("NOTIFIER_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("NOTIFIER_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("NOTIFIER_SECRET_KEY", TEST_SECRET_KEY)
    handle(db, handlers, envelope("billing.payment_received", payment()))
    handle(db, handlers, envelope("cards.session_shipped", shipped()))
    with db.transaction() as session:
        session.execute(update(Message).where(Message.template == "payment_received")
                        .values(status="failed", attempts=6, last_error="SMTPServerDisconnected: gone"))

    status, listed = run("failed-messages")
    assert status == 0 and "payment_received" in listed and "cards_shipped" not in listed
    assert run("retry-messages", "--all") == (0, listed.split("\t")[0] + "\treplayed\n")
    status, output = run("deliver-once")
    assert status == 0 and "emails attempted: 2" in output
    assert len(smtp.received) == 2
    assert run("retry-messages", "no-such-id")[0] == 1
