"""Operator commands of the auth service: ``python -m services.auth.cli <command>``.

- ``migrate``: bring auth's database to the latest Alembic revision.
- ``rotate-key``: a new signing key; the previous one stays in the JWKS until its tokens expired,
  so nobody is logged out.
- ``create-user --email E --first-name F --last-name L --role R --password P [--card-number C]
  [--language fr|en]``: a staff (or any) account with a known password, no forced change. Without
  ``--password`` the password is asked on the terminal (it then stays out of the shell history).
- ``backfill-users``: records one ``auth.user_updated`` per existing user in the outbox, so a
  consumer deployed later (e.g. a new service's read model) learns about users created before
  it. Safe to run again: consumers treat ``user_updated`` as an upsert.
- ``demo-accounts [--password P]``: the embedded stack's demo accounts (see services.auth.operations.demo_accounts).
- ``retention [--apply]``: Law 25 retention of members' dormant accounts (``AUTH_DORMANT_ACCOUNT_YEARS``,
  ``AUTH_DORMANT_WARNING_DAYS``): lists the accounts the run warns by email and those it anonymizes; with
  ``--apply``, does it (run daily by the ``auth-retention`` CronJob).
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys

from chassis import privacy_retention
from chassis.db import Database
from chassis.errors import ApiError
from services.auth.config import SERVICE, AuthSettings, load_config
from services.auth.domain.passwords import MIN_LENGTH
from services.auth.domain.roles import ALL_ROLES
from services.auth.operations import dormancy, users
from services.auth.operations.backfill import backfill_users
from services.auth.operations.context import AuthContext


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m services.auth.cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply the Alembic migrations")
    commands.add_parser("rotate-key", help="create a new signing key")
    commands.add_parser("backfill-users", help="one auth.user_updated event per user")
    create = commands.add_parser("create-user", help="create an account with a known password")
    create.add_argument("--email", required=True)
    create.add_argument("--first-name", required=True)
    create.add_argument("--last-name", required=True)
    create.add_argument("--role", required=True, choices=ALL_ROLES)
    create.add_argument("--password")
    create.add_argument("--card-number")
    create.add_argument("--language", default="fr", choices=("fr", "en"))
    demo = commands.add_parser("demo-accounts", help="create the demo accounts")
    demo.add_argument("--password", default=os.environ.get("GUICHET_DEMO_PASSWORD", "demo-guichet-2024"))
    privacy_retention.add_command(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    config = load_config()
    if args.command == "migrate":
        from chassis.migrations import upgrade

        upgrade(SERVICE, config.database_url)
        print("auth: database at head")
        return 0
    db = Database(config.database_url)
    try:
        if args.command == "rotate-key":
            kid = AuthContext.build(config, db).keys.rotate()
            print(f"new signing key: {kid}")
        elif args.command == "backfill-users":
            print(f"auth.user_updated recorded for {backfill_users(db)} user(s)")
        elif args.command == "create-user":
            return _create_user(db, args)
        elif args.command == "retention":
            settings = AuthSettings.from_config(config)
            return privacy_retention.run_command(
                db, args.apply, lambda session: dormancy.preview(session, settings),
                lambda session: dormancy.run(session, settings),
                lambda row: f"{row['action']:<10} {row['user_id']} last used {row['last_active_at']:%Y-%m-%d}")
        elif args.command == "demo-accounts":
            from services.auth.operations.demo_accounts import ensure_demo_accounts

            for account in ensure_demo_accounts(db, args.password):
                print(f"{account['role']:<18} {account['login']:<28} {account['email']}")
        return 0
    finally:
        db.dispose()


def _create_user(db: Database, args) -> int:
    password = args.password or getpass.getpass("Password: ")
    if len(password) < MIN_LENGTH:
        print(f"password: at least {MIN_LENGTH} characters", file=sys.stderr)
        return 2
    account = users.NewAccount(args.email, args.first_name, args.last_name, args.role, args.language,
                               args.card_number)
    try:
        with db.transaction() as session:
            user = users.create_user(session, account, password)
            print(f"created {args.role} {user.username or user.email} ({user.id})")
    except (ApiError, ValueError) as error:
        print(f"error: {getattr(error, 'message', error)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
