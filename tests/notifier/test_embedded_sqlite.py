"""The embedded default: SQLite database, no SMTP host (.eml files), delivery loops in threads."""
from __future__ import annotations

import email
from email import policy

from chassis.db import Database
from chassis.migrations import upgrade
from services.notifier.app import create_app
from services.notifier.consumers import build_handlers
from services.notifier.operations.delivery_loops import DeliveryLoops
from tests.notifier.support import envelope, handle, make_config, make_settings, trainer, wait_for, with_password


def test_sqlite_and_eml_outbox_with_the_delivery_loops(tmp_path, tokens, monkeypatch):
    monkeypatch.setenv("GUICHET_DATA_DIR", str(tmp_path))  # where the embedded default keeps its key file
    url = f"sqlite:///{tmp_path / 'notifier.db'}"
    upgrade("notifier", url)
    db = Database(url)
    outbox = tmp_path / "mail-outbox"
    settings = make_settings(url, None, MAIL_OUTBOX_DIR=str(outbox), SECRET_KEY="")
    loops = DeliveryLoops(db, settings)
    loops.start()
    try:
        event = envelope("auth.trainer_created", with_password(trainer(), "Tmp-Embedded-1"))
        handle(db, build_handlers(settings), event)
        assert wait_for(lambda: len(list(outbox.glob("*.eml"))) == 1, timeout=10)
    finally:
        loops.stop()
    [written] = list(outbox.glob("*.eml"))
    parsed = email.message_from_bytes(written.read_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Votre compte Guichet — Demande de cartes"
    assert "Tmp-Embedded-1" in parsed.get_body(("plain",)).get_content()
    assert (tmp_path / "notifier-secret.key").exists()

    app = create_app(make_config(url, None, SECRET_KEY=""),
                     db=db, token_verifier=tokens.verifier())
    listed = app.test_client().get("/messages", headers=tokens.headers("s", ["cards_staff"])).json
    assert listed["total"] == 1 and listed["items"][0]["status"] == "sent"
    for stored in tmp_path.glob("notifier.db*"):  # the database and its WAL: the plain secret never went there
        assert b"Tmp-Embedded-1" not in stored.read_bytes()
    db.dispose()
