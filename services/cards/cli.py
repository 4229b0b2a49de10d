"""Operator commands of the cards service: ``python -m services.cards.cli <command>``.

- ``retention [--apply]``: Law 25 retention of trainees: lists the participants whose date of birth and phone
  the run empties (sessions that ended ``CARDS_TRAINEE_RETENTION_YEARS`` years ago or more); with ``--apply``,
  empties them, one audit entry per request (run daily by the ``cards-retention`` CronJob).
"""
from __future__ import annotations

import argparse
import sys

from chassis import privacy_retention
from chassis.db import Database
from services.cards.config import CardsSettings, load_config
from services.cards.operations import retention


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m services.cards.cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    privacy_retention.add_command(parser.add_subparsers(dest="command", required=True))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    config = load_config()
    years = CardsSettings.from_config(config).trainee_retention_years
    db = Database(config.database_url)
    try:
        return privacy_retention.run_command(
            db, args.apply, lambda session: retention.preview(session, years),
            lambda session: retention.run(session, years),
            lambda row: f"{row['participant_id']} session {row['session_id']} ended {row['session_end_date']}")
    finally:
        db.dispose()


if __name__ == "__main__":
    sys.exit(main())
