"""Operator commands of the notifier::

    python -m services.notifier.cli generate-key                 # a value for NOTIFIER_SECRET_KEY
    python -m services.notifier.cli failed-messages              # the email dead letters
    python -m services.notifier.cli retry-messages ID [ID ...]   # replay failed emails
    python -m services.notifier.cli retry-messages --all
    python -m services.notifier.cli deliver-once                 # one pass of both delivery loops

Uses ``NOTIFIER_DATABASE_URL`` and the other ``NOTIFIER_*`` settings.
"""
from __future__ import annotations

import argparse
import sys

from cryptography.fernet import Fernet
from sqlalchemy import select

from chassis.db import Database
from chassis.errors import Conflict
from services.notifier.config import NotifierSettings, load_config
from services.notifier.db.models import Message
from services.notifier.operations.mail_delivery import MailSender
from services.notifier.operations.messages import FAILED, replay
from services.notifier.operations.webhook_delivery import WebhookSender


def _failed(db: Database) -> list[Message]:
    with db.transaction() as session:
        return list(session.scalars(select(Message).where(Message.status == FAILED).order_by(Message.created_at)))


def main(argv: list[str] | None = None, out=sys.stdout) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.notifier.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("generate-key")
    commands.add_parser("failed-messages")
    retry = commands.add_parser("retry-messages")
    retry.add_argument("ids", nargs="*")
    retry.add_argument("--all", action="store_true")
    commands.add_parser("deliver-once")
    args = parser.parse_args(argv)

    if args.command == "generate-key":
        print(Fernet.generate_key().decode(), file=out)
        return 0
    config = load_config()
    db = Database(config.database_url)
    try:
        if args.command == "failed-messages":
            for message in _failed(db):
                print(f"{message.id}\t{message.created_at:%Y-%m-%d %H:%M}\t{message.template}\t{message.to_address}"
                      f"\tattempts={message.attempts}\t{message.last_error or ''}", file=out)
            return 0
        if args.command == "retry-messages":
            ids = [m.id for m in _failed(db)] if args.all else args.ids
            if not ids:
                parser.error("give message ids or --all")
            status = 0
            for message_id in ids:
                with db.transaction() as session:
                    message = session.get(Message, message_id)
                    try:
                        if message is None:
                            raise Conflict("not found")
                        replay(session, message)
                        print(f"{message_id}\treplayed", file=out)
                    except Conflict as refused:
                        print(f"{message_id}\tnot replayed: {refused.message}", file=out)
                        status = 1
            return status
        settings = NotifierSettings.from_config(config)
        mails = MailSender(db, settings).run_once()
        hooks = WebhookSender(db, settings).run_once()
        print(f"emails attempted: {mails}, webhook deliveries attempted: {hooks}", file=out)
        return 0
    finally:
        db.dispose()


if __name__ == "__main__":
    sys.exit(main())
