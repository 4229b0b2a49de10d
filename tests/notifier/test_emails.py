"""Events -> emails over a real SMTP server on loopback, with PostgreSQL: one event, one email."""
from __future__ import annotations

import email
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
from sqlalchemy import select, text

from services.notifier.consumers.directory import RecipientNotKnownYet
from services.notifier.db.models import Message
from services.notifier.operations.mail_delivery import MailSender
from tests.notifier.support import (
    PDF_BYTES,
    access_granted,
    admin_added,
    envelope,
    handle,
    invoice,
    make_settings,
    payment,
    shipped,
    trainer,
    user,
    with_password,
)

pytestmark = pytest.mark.integration


def deliver(sender: MailSender, passes: int = 1) -> None:
    for _ in range(passes):
        sender.run_once()


def messages(db) -> list[Message]:
    with db.transaction() as session:
        return list(session.scalars(select(Message).order_by(Message.created_at)))


def only_email(smtp, address):
    received = smtp.to(address)
    assert len(received) == 1, [str(m["Subject"]) for m in smtp.received]
    return received[0]


def bodies(message) -> tuple[str, str]:
    return (message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content())


def test_member_registration_gives_one_welcome_email_in_french(db, smtp, handlers, mail_sender):
    handle(db, handlers, envelope("auth.user_registered", user()))
    deliver(mail_sender)
    received = only_email(smtp, "marie@example.test")
    text_body, html_body = bodies(received)
    assert received["Subject"] == "Bienvenue au portail de l'AQPM"
    assert received["Content-Language"] == "fr"
    assert "Bonjour Marie Tremblay" in text_body and "marie@example.test" in html_body
    assert smtp.envelopes[0][1] == ["marie@example.test"]
    assert [m.status for m in messages(db)] == ["sent"]


def test_trainer_registration_is_kept_in_the_directory_without_a_welcome_email(db, smtp, handlers, mail_sender):
    handle(db, handlers, envelope("auth.user_registered", trainer()))
    deliver(mail_sender)
    assert smtp.received == [] and messages(db) == []


def test_trainer_created_emails_username_and_password_then_forgets_the_password(db, smtp, handlers, mail_sender,
                                                                                  capfd):
    handle(db, handlers, envelope("auth.trainer_created", with_password(trainer(), "Tmp-9f3K-x7Qa")))
    [pending] = messages(db)
    assert pending.secret_ciphertext and "Tmp-9f3K-x7Qa" not in pending.secret_ciphertext
    assert "Tmp-9f3K-x7Qa" not in str(pending.context)

    deliver(mail_sender)

    received = only_email(smtp, "claude.ethier@example.test")
    text_body, html_body = bodies(received)
    assert "ethc123" in text_body and "Tmp-9f3K-x7Qa" in text_body and "Tmp-9f3K-x7Qa" in html_body
    assert "1 800 361-4528, poste 246" in text_body and "support@asstsas.qc.ca" in text_body
    [sent] = messages(db)
    assert sent.status == "sent" and sent.secret_ciphertext is None and sent.template == "trainer_account_created"
    with db.transaction() as session:  # nowhere in the database, in any column
        dump = session.execute(text("SELECT CAST(m.* AS text) FROM messages m")).scalars().all()
    assert not any("Tmp-9f3K-x7Qa" in row for row in dump)
    logged = capfd.readouterr().out  # the service's JSON log lines
    assert "trainer_account_created" in logged and "Tmp-9f3K-x7Qa" not in logged


@pytest.mark.parametrize("language, subject", [("fr", "Guichet — Votre nouveau mot de passe"),
                                               ("en", "Guichet — Your new password")])
def test_trainer_password_reset_uses_the_guide_words_and_the_language(db, smtp, handlers, mail_sender, language,
                                                                      subject):
    handle(db, handlers, envelope("auth.password_reset_requested", with_password(trainer(language=language))))
    deliver(mail_sender)
    received = only_email(smtp, "claude.ethier@example.test")
    text_body, _ = bodies(received)
    assert received["Subject"] == subject and received["Content-Language"] == language
    expected = "« J'ai oublié mon mot de passe »" if language == "fr" else '"I forgot my password"'
    assert expected in text_body and "ethc123" in text_body


def test_member_password_reset_logs_in_by_email_on_the_aqpm_portal(db, smtp, handlers, mail_sender):
    handle(db, handlers, envelope("auth.password_reset_requested", with_password(user())))
    deliver(mail_sender)
    received = only_email(smtp, "marie@example.test")
    text_body, _ = bodies(received)
    assert received["Subject"] == "Portail AQPM — Votre nouveau mot de passe"
    assert "Courriel : marie@example.test" in text_body and "Mot de passe oublié ?" in text_body
    assert "361-4528" not in text_body  # the ASSTSAS support line is for Portal 1 only


@pytest.mark.parametrize("method, language, expected", [
    ("cheque", "fr", "Il est primordial d'indiquer votre numéro de facture (F-2026-00042) sur le chèque émis."),
    ("direct_deposit", "fr", "Indiquez le numéro de facture F-2026-00042 comme référence du dépôt."),
    ("credit_card", "en", "Pay online: https://pay.example.test/F-2026-00042"),
])
def test_invoice_email_attaches_the_pdf_and_says_how_to_pay(db, smtp, handlers, mail_sender, method, language,
                                                            expected):
    payload = invoice(method, language, pay_url="https://pay.example.test/F-2026-00042")
    handle(db, handlers, envelope("billing.invoice_issued", payload))
    deliver(mail_sender)
    received = only_email(smtp, "factures@example.test")
    text_body, _ = bodies(received)
    assert expected in text_body
    assert ("24,00\xa0$" if language == "fr" else "$24.00") in text_body  # Canadian French: a no-break space
    [attachment] = list(received.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == ("facture" if language == "fr" else "invoice") + "-F-2026-00042.pdf"
    assert attachment.get_content() == PDF_BYTES
    if method == "direct_deposit":
        assert "Caisse Test, transit 12345, compte 987654" in text_body


def test_payment_received_and_cards_shipped_emails(db, smtp, handlers, mail_sender):
    handle(db, handlers, envelope("billing.payment_received", payment()))
    handle(db, handlers, envelope("cards.session_shipped", shipped(language="en")))
    deliver(mail_sender)
    paid = only_email(smtp, "factures@example.test")
    assert paid["Subject"] == "Paiement reçu — facture F-2026-00042"
    assert "Votre facture est maintenant payée." in bodies(paid)[0]
    shipped_mail = only_email(smtp, "livraison@example.test")
    assert shipped_mail["Subject"] == "Your cards were shipped"
    assert "12 participants" in bodies(shipped_mail)[0]


def test_productions_emails_use_the_directory_address_and_language(db, smtp, handlers, mail_sender):
    handle(db, handlers, envelope("auth.user_registered", user(language="fr")))
    handle(db, handlers, envelope("auth.user_updated", user(email_address="marie.t@example.test", language="en")))
    handle(db, handlers, envelope("productions.house_admin_added", admin_added()))
    handle(db, handlers, envelope("productions.access_granted", access_granted()))
    deliver(mail_sender)
    received = smtp.to("marie.t@example.test")
    assert sorted(str(m["Subject"]) for m in received) == [
        "SET access granted: Les Grands Froids", "You are now a main user of Productions Boréales"]
    assert len(smtp.to("marie@example.test")) == 1  # the welcome, before the address changed


def test_an_older_user_event_never_overwrites_a_newer_one(db, smtp, handlers, mail_sender):
    newer = envelope("auth.user_updated", user(language="en"))
    older = envelope("auth.user_updated", user(email_address="old@example.test"),
                     occurred_at=(datetime.now(UTC) - timedelta(hours=1)).isoformat())
    handle(db, handlers, newer)
    handle(db, handlers, older)
    handle(db, handlers, envelope("productions.access_granted", access_granted()))
    deliver(mail_sender)
    assert only_email(smtp, "marie@example.test")["Content-Language"] == "en"


def test_an_event_about_an_unknown_user_raises_so_the_bus_retries(db, handlers):
    with pytest.raises(RecipientNotKnownYet):
        handle(db, handlers, envelope("productions.access_granted", access_granted("u-nobody")))
    assert messages(db) == []  # rolled back with the inbox row: the retry will run it again


def test_a_duplicated_event_gives_one_email(db, smtp, handlers, mail_sender):
    event = envelope("billing.payment_received", payment())
    assert handle(db, handlers, event) is True
    assert handle(db, handlers, event) is False  # the inbox skips the redelivery
    with db.transaction() as session:             # even a handler run twice outside the inbox adds nothing
        handlers[event.type](session, event)
    deliver(mail_sender, passes=2)
    assert len(smtp.to("factures@example.test")) == 1 and len(messages(db)) == 1


def test_smtp_down_then_up_delivers_once(db, smtp, handlers, settings):
    sender = MailSender(db, settings)
    handle(db, handlers, envelope("billing.payment_received", payment()))
    smtp.stop()
    deliver(sender)
    [waiting] = messages(db)
    assert waiting.status == "pending" and waiting.attempts == 1 and "Connection" in waiting.last_error
    smtp.start()
    deliver(sender, passes=3)
    assert len(smtp.to("factures@example.test")) == 1
    [sent] = messages(db)
    assert sent.status == "sent" and sent.attempts == 2


def test_retries_wait_with_backoff(db, smtp, handlers):
    handle(db, handlers, envelope("billing.payment_received", payment()))
    now = [datetime.now(UTC)]
    sender = MailSender(db, make_settings(db.url, smtp.port, RETRY_BASE_SECONDS="60", RETRY_MAX_SECONDS="600"),
                        clock=lambda: now[0])
    smtp.stop()
    deliver(sender)
    smtp.start()
    deliver(sender)
    assert smtp.received == [] and messages(db)[0].attempts == 1  # not due yet
    now[0] += timedelta(seconds=61)
    deliver(sender)
    assert len(smtp.received) == 1


def test_smtp_down_for_good_marks_failed_then_a_replay_delivers(db, smtp, handlers, settings, client, cards_staff):
    sender = MailSender(db, settings)
    handle(db, handlers, envelope("billing.payment_received", payment()))
    smtp.stop()
    deliver(sender, passes=settings.mail_max_attempts + 1)
    [failed] = messages(db)
    assert failed.status == "failed" and failed.attempts == settings.mail_max_attempts

    smtp.start()
    response = client.post(f"/messages/{failed.id}/retry", headers=cards_staff)
    assert response.status_code == 200 and response.json["status"] == "pending"
    deliver(sender)
    assert len(smtp.received) == 1 and messages(db)[0].status == "sent"


def test_an_expired_temporary_password_is_purged_and_never_sent(db, smtp, handlers, settings):
    handle(db, handlers, envelope("auth.password_reset_requested", with_password(user(), days=1)))
    now = [datetime.now(UTC)]
    sender = MailSender(db, settings, clock=lambda: now[0])
    smtp.stop()
    deliver(sender)
    now[0] += timedelta(days=2)
    smtp.start()
    deliver(sender)
    [message] = messages(db)
    assert message.secret_ciphertext is None and message.status == "failed"
    assert "Le mot de passe temporaire a expiré" in message.last_error and smtp.received == []


def test_without_smtp_host_emails_are_written_as_eml_files(db, handlers, tmp_path):
    settings = make_settings(db.url, None, MAIL_OUTBOX_DIR=str(tmp_path / "mail-outbox"))
    handle(db, handlers, envelope("cards.session_shipped", shipped()))
    MailSender(db, settings).run_once()
    [written] = list((tmp_path / "mail-outbox").glob("*.eml"))
    parsed = email.message_from_bytes(written.read_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Vos cartes ont été expédiées" and "livraison@example.test" in parsed["To"]
    assert messages(db)[0].status == "sent"
