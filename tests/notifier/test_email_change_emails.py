"""The emails of an email change (issue 17, 2), through the notifier's real handlers and real SMTP.

``auth.email_change_requested`` gives two emails: the confirmation link to the new address, and at
once a notice to the old one (still the login) with the "this was not me" link. Each link lands on a
page of the person's own portal that a logged-out reader can open; the tokens are sealed secrets,
never in the stored context, never sent to webhooks. A reset sent because the owner said "this was
not me" says that the former password no longer works.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from services.notifier.db.models import Message
from services.notifier.domain.webhook_payload import webhook_body
from tests.browser.mail_catcher import html_links, text_links
from tests.notifier.support import envelope, handle, trainer, user, with_password
from tests.notifier.web_pages import CARDS, PRODUCTIONS, check_landing, web_app

pytestmark = pytest.mark.integration
BASE = "https://guichet.test"  # tests/notifier/support.py: the notifier's PUBLIC_BASE_URL
CONFIRM_TOKEN, CANCEL_TOKEN = "cOnFiRm-" + "a" * 35, "cAnCeL-" + "b" * 36


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    return web_app(tmp_path_factory.mktemp("web"))


def _change(person: dict, new_email: str) -> dict:
    now = datetime.now(UTC)
    return {**person, "new_email": new_email, "confirmation_token": CONFIRM_TOKEN,
            "expires_at": (now + timedelta(hours=24)).isoformat(), "cancellation_token": CANCEL_TOKEN,
            "cancel_expires_at": (now + timedelta(days=7)).isoformat()}


def _bodies(message) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def _links(message) -> list[str]:
    text, html = _bodies(message)
    return [link for link in html_links(html) + text_links(text) if not link.startswith("mailto:")]


@pytest.mark.parametrize("person, portal, prefix, language, words", [
    (user(language="fr"), PRODUCTIONS, "/aqpm", "fr", ("Confirmer ma nouvelle adresse", "ce n'était pas moi")),
    (trainer(language="en"), CARDS, "", "en", ("Confirm my new address", "this was not me")),
])
def test_the_new_address_gets_the_confirmation_and_the_old_one_the_notice(db, smtp, handlers, mail_sender, web,
                                                                          person, portal, prefix, language, words):
    old, new = person["email"], "nouvelle.adresse@example.test"
    handle(db, handlers, envelope("auth.email_change_requested", _change(person, new)))
    with db.reading() as session:  # staged: each token sealed as the message's secret
        staged = session.scalars(select(Message).where(Message.template.like("email_change%"))).all()
        assert len(staged) == 2 and all(row.secret_ciphertext for row in staged)
        assert all(CONFIRM_TOKEN not in row.secret_ciphertext + str(row.context) for row in staged)
    mail_sender.run_once()
    [confirm] = smtp.to(new)
    [notice] = smtp.to(old)
    assert confirm["X-Guichet-Template"] == "email_change_confirm"
    assert notice["X-Guichet-Template"] == "email_change_notice"
    assert confirm["Content-Language"] == notice["Content-Language"] == language

    confirm_url = f"{BASE}{prefix}/email/confirm/{CONFIRM_TOKEN}"
    cancel_url = f"{BASE}{prefix}/email/cancel/{CANCEL_TOKEN}"
    confirm_text, confirm_html = _bodies(confirm)
    notice_text, notice_html = _bodies(notice)
    assert confirm_url in confirm_text and f'href="{confirm_url}"' in confirm_html and words[0] in confirm_html
    assert cancel_url in notice_text and f'href="{cancel_url}"' in notice_html and words[1] in notice_html
    assert new in notice_text  # the owner sees which address was asked for
    assert CANCEL_TOKEN not in confirm_text + confirm_html  # the new address never gets the cancel link
    assert CONFIRM_TOKEN not in notice_text + notice_html   # nor the old one the confirmation

    problems = [problem for message in (confirm, notice) for link in _links(message)
                if (problem := check_landing(web, link, BASE, portal))]
    assert problems == []

    with db.reading() as session:  # a secret like a temporary password: never in the context, wiped once sent
        rows = session.scalars(select(Message).where(Message.template.like("email_change%"))).all()
        assert len(rows) == 2 and all(row.secret_ciphertext is None for row in rows)
        assert all(CONFIRM_TOKEN not in str(row.context) and CANCEL_TOKEN not in str(row.context) for row in rows)


def test_webhooks_never_receive_the_link_tokens():
    event = envelope("auth.email_change_requested", _change(user(), "nouvelle@example.test"))
    body = webhook_body({"id": event.id, "type": event.type, "version": 1, "occurred_at": "2026-12-07T00:00:00Z",
                         "producer": "auth", "correlation_id": event.correlation_id, "payload": event.payload})
    assert CONFIRM_TOKEN not in body and CANCEL_TOKEN not in body and "nouvelle@example.test" in body


@pytest.mark.parametrize("language, revoked_text, usual_text", [
    ("fr", "votre ancien mot de passe ne fonctionne plus", "Votre mot de passe actuel reste valide"),
    ("en", "your former password no longer works", "Your current password still works"),
])
def test_a_reset_after_this_was_not_me_says_the_password_no_longer_works(db, smtp, handlers, mail_sender,
                                                                        language, revoked_text, usual_text):
    handle(db, handlers, envelope("auth.password_reset_requested",
                                  {**with_password(user(language=language)), "password_revoked": True}))
    handle(db, handlers, envelope("auth.password_reset_requested",
                                  with_password(user("u-2", "autre@example.test", language=language))))
    mail_sender.run_once()
    [revoked] = smtp.to("marie@example.test")
    [usual] = smtp.to("autre@example.test")
    for text in _bodies(revoked):
        assert revoked_text in text and usual_text not in text
    for text in _bodies(usual):
        assert usual_text in text and revoked_text not in text
