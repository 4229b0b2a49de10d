"""Emails go out on the commit: the loops wake on the consumer's commit (not the poll), one SMTP connection carries
a batch, an error mid-batch retries only the email it hit, and the loops can run in their own process."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from chassis.config import REPO_ROOT
from chassis.db import Database
from chassis.migrations import upgrade
from services.notifier.consumers import build_handlers
from services.notifier.db.models import Message
from services.notifier.operations.delivery_loops import DeliveryLoops
from services.notifier.operations.mail_transport import SmtpTransport
from tests.notifier.support import (
    TEST_SECRET_KEY,
    envelope,
    handle,
    make_settings,
    shipped,
    trainer,
    wait_for,
    with_password,
)

LONG_POLL = "3600"  # a separate process's poll: an email seen within the test's wait was woken by a commit


def frozen() -> float:
    """The delivery loops' wait clock in these tests: it never advances, so a wait between two passes never
    times out into a poll, and only a commit's wake-up (or the stop) starts the next pass."""
    return 0.0


def shipped_to(address: str):
    return envelope("cards.session_shipped", {**shipped(), "email": address})


def by_address(db) -> dict[str, Message]:
    with db.reading() as session:
        return {m.to_address: m for m in session.scalars(select(Message))}


def test_a_pending_email_is_sent_because_the_consumer_commit_woke_the_loop(db, smtp):
    settings = make_settings(db.url, smtp.port)
    loops = DeliveryLoops(db, settings, wait_clock=frozen)
    loops.start()
    try:
        handlers = build_handlers(settings)
        for number in range(3):  # the loop sent the previous one and waits: only this commit wakes it again
            handle(db, handlers, shipped_to(f"fast{number}@example.test"))
            assert wait_for(lambda expected=number + 1: len(smtp.received) == expected, timeout=30, interval=0.005)
    finally:
        loops.stop()
    assert all(m.status == "sent" for m in by_address(db).values())


def test_sqlite_loops_wake_on_commit_in_the_same_process(tmp_path):
    url = f"sqlite:///{tmp_path / 'notifier.db'}"
    upgrade("notifier", url)
    db = Database(url)
    outbox = tmp_path / "mail-outbox"
    settings = make_settings(url, None, MAIL_OUTBOX_DIR=str(outbox))
    loops = DeliveryLoops(db, settings, wait_clock=frozen)
    loops.start()
    try:
        for number in range(2):  # the second one proves a wake-up even if the first pass saw the first
            handle(db, build_handlers(settings), shipped_to(f"embedded{number}@example.test"))
            assert wait_for(lambda expected=number + 1: len(list(outbox.glob("*.eml"))) == expected, timeout=30,
                            interval=0.005)
    finally:
        loops.stop()
        db.dispose()


def test_a_rolled_back_transaction_wakes_nobody_and_sends_nothing(db, smtp):
    settings = make_settings(db.url, smtp.port)
    loops = DeliveryLoops(db, settings, wait_clock=frozen)
    loops.start()
    try:
        with pytest.raises(RuntimeError):
            with db.transaction() as session:
                build_handlers(settings)["cards.session_shipped"](session, shipped_to("rolled@example.test"))
                raise RuntimeError("the consumer's transaction fails")
        handle(db, build_handlers(settings), shipped_to("kept@example.test"))
        assert wait_for(lambda: len(smtp.received) == 1, timeout=30)
    finally:
        loops.stop()
    assert [str(m["To"]) for m in smtp.received] == ["Claude Ethier <kept@example.test>"]
    assert list(by_address(db)) == ["kept@example.test"]


def test_twenty_emails_go_over_one_smtp_connection(db, smtp, handlers, mail_sender):
    for number in range(20):
        handle(db, handlers, shipped_to(f"batch{number:02}@example.test"))
    assert mail_sender.run_once() == 20
    assert len(smtp.received) == 20
    assert smtp.connections == 1
    assert mail_sender.transport.connections_opened == 1
    assert all(m.status == "sent" and m.attempts == 1 for m in by_address(db).values())


def test_an_smtp_error_mid_batch_retries_only_that_email(db, smtp, handlers, mail_sender):
    addresses = [f"batch{number:02}@example.test" for number in range(20)]
    for address in addresses:
        handle(db, handlers, shipped_to(address))
    smtp.refuse_once["batch07@example.test"] = "451 4.3.0 Réessayez plus tard / try again later"

    assert mail_sender.run_once() == 20
    after_first = by_address(db)
    assert after_first["batch07@example.test"].status == "pending"
    assert after_first["batch07@example.test"].attempts == 1
    assert "451" in after_first["batch07@example.test"].last_error
    assert all(m.status == "sent" for a, m in after_first.items() if a != "batch07@example.test")
    assert len(smtp.received) == 19
    assert smtp.connections == 2  # reopened after the error, for the 12 that followed

    assert mail_sender.run_once() == 1  # the retry (no backoff in these settings) sends only the refused one
    received = [str(m["To"]).split("<")[1].rstrip(">") for m in smtp.received]
    assert sorted(received) == addresses  # each exactly once
    assert by_address(db)["batch07@example.test"].status == "sent"
    assert by_address(db)["batch07@example.test"].attempts == 2


def test_the_temporary_password_is_erased_after_a_batched_send(db, smtp, handlers, mail_sender):
    handle(db, handlers, envelope("auth.trainer_created", with_password(trainer(), "Tmp-Batch-42")))
    handle(db, handlers, shipped_to("other@example.test"))
    assert mail_sender.run_once() == 2
    assert smtp.connections == 1
    with db.reading() as session:
        assert session.scalars(select(Message.secret_ciphertext)).all() == [None, None]
    assert "Tmp-Batch-42" in smtp.to("claude.ethier@example.test")[0].get_body(("plain",)).get_content()


def test_a_connection_the_server_dropped_while_idle_is_replaced(smtp):
    transport = SmtpTransport("127.0.0.1", smtp.port, timeout=5, keepalive_seconds=30)
    def mail(to: str) -> EmailMessage:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "no-reply@guichet.test", to, "Essai / Test"
        message.set_content("Bonjour")
        return message

    transport.send(mail("one@example.test"))
    smtp.stop()
    smtp.start()  # the server went away and came back: the kept connection is dead
    time.sleep(1.05)  # idle long enough to be checked (NOOP) before use
    transport.send(mail("two@example.test"))
    transport.close()
    assert [str(m["To"]) for m in smtp.received] == ["one@example.test", "two@example.test"]
    assert transport.connections_opened == 2


@pytest.mark.integration
def test_the_sender_process_is_woken_by_commits_of_another_process(db, smtp, tmp_path):
    env = {**os.environ, "NOTIFIER_DATABASE_URL": db.url, "NOTIFIER_SMTP_HOST": "127.0.0.1",
           "NOTIFIER_SMTP_PORT": str(smtp.port), "NOTIFIER_SECRET_KEY": TEST_SECRET_KEY,
           "NOTIFIER_POLL_SECONDS": LONG_POLL, "GUICHET_DATA_DIR": str(tmp_path), "PYTHONPATH": str(REPO_ROOT)}
    env.pop("BUS_METRICS_PORT", None)
    sender = subprocess.Popen([sys.executable, "-m", "services.notifier.sender"], cwd=REPO_ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        settings = make_settings(db.url, smtp.port)
        handle(db, build_handlers(settings), shipped_to("elsewhere@example.test"))
        # the process's first pass, or its LISTEN, sees it: never the poll
        assert wait_for(lambda: len(smtp.received) == 1, timeout=90, interval=0.05)  # a loaded machine starts slowly
        handle(db, build_handlers(settings), shipped_to("again@example.test"))
        assert wait_for(lambda: len(smtp.received) == 2, timeout=90, interval=0.005)  # far less than the poll (1 h)
    finally:
        sender.send_signal(signal.SIGTERM)
        output = sender.communicate(timeout=30)[0].decode()
    assert sender.returncode == 0, output[-2000:]
    assert "sender.started" in output and "mail_sent" in output
