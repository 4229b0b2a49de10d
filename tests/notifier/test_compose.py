"""The MIME email built from a message row: headers readable by any parser, encoded where not ASCII,
folded where long; the text, the HTML and the attachment intact."""
from __future__ import annotations

import email
from email import policy
from types import SimpleNamespace

from services.notifier.domain.mail_compose import build_email

CONTEXT = {"portal": "cards", "site_url": "https://guichet.example", "support_phone": "514 253-6871",
           "support_email": "soutien@example.org", "name": "Claude Éthier", "number": "2026-000123",
           "invoice_id": "inv-1", "total": "2.00", "balance": "2.00", "currency": "CAD", "payment_method": "cheque",
           "pay_url": None, "cheque_payable_to": "ASSTSAS", "cheque_address": "5100, rue Sherbrooke Est",
           "bank_details": "Caisse"}


def row(subject: str, attachment: bytes | None = b"%PDF-1.4 facture") -> SimpleNamespace:
    return SimpleNamespace(id="6a1f0c3e-0000-4000-8000-000000000001", event_id="ev-1", template="invoice_issued",
                           language="fr", to_name="Claude Éthier", to_address="claude.ethier@example.org",
                           subject=subject, context=CONTEXT, attachment_data=attachment,
                           attachment_content_type="application/pdf", attachment_filename="facture-2026-000123.pdf")


def parsed(message) -> email.message.EmailMessage:
    raw = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    return email.message_from_bytes(raw, policy=policy.default)


def test_french_headers_are_encoded_and_read_back_as_written():
    mail = parsed(build_email(row("Votre facture 2026-000123 — Guichet"), "Guichet <no-reply@example.org>"))
    assert mail["Subject"] == "Votre facture 2026-000123 — Guichet"
    assert mail["To"].addresses[0].display_name == "Claude Éthier"
    assert mail["To"].addresses[0].addr_spec == "claude.ethier@example.org"
    assert mail["Message-ID"] == "<6a1f0c3e-0000-4000-8000-000000000001@guichet.notifier>"
    assert mail["Content-Language"] == "fr"


def test_a_long_ascii_header_is_folded_and_unfolds_to_the_same_text():
    subject = "Invoice " + " ".join(f"word{i}" for i in range(30))
    message = build_email(row(subject), "no-reply@example.org")
    raw = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
    header_lines = raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    assert max(len(line) for line in header_lines) <= 78
    assert parsed(message)["Subject"] == subject


def test_text_html_and_attachment_survive():
    mail = parsed(build_email(row("Facture"), "no-reply@example.org"))
    assert "Claude Éthier" in mail.get_body(("plain",)).get_content()
    assert "Claude Éthier" in mail.get_body(("html",)).get_content()
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == "facture-2026-000123.pdf"
    assert attachment.get_content() == b"%PDF-1.4 facture"


def test_without_attachment_the_email_is_the_text_and_html_alternative():
    mail = parsed(build_email(row("Bienvenue", attachment=None), "no-reply@example.org"))
    assert mail.get_content_type() == "multipart/alternative"
    assert not list(mail.iter_attachments())
