"""Law 25 retention: the one way every service counts "N years before" a day or a moment, so a preview and
its run, and two services, agree on the limit (29 February becomes 28 February in a common year)."""
from __future__ import annotations

from datetime import date, datetime

SYSTEM_ACTOR = "system:retention"  # the audit trails' actor of a retention run


def years_before(moment: date | datetime, years: int) -> date | datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def add_command(commands) -> None:
    """The ``retention [--apply]`` operator command of a service's ``cli.py`` (argparse subparsers)."""
    command = commands.add_parser("retention", help="Law 25 retention: show (or --apply) what the run anonymizes")
    command.add_argument("--apply", action="store_true", help="apply it (without: only show it)")


def run_command(db, apply: bool, preview, run, line) -> int:
    """Without ``--apply``: ``preview(session)``'s rows, read only; with it: ``run(session)`` in one transaction
    (the same query, so it touches exactly what the preview showed). One ``line(row)`` each, then the count."""
    if apply:
        with db.transaction() as session:
            rows = run(session)
    else:
        with db.reading() as session:
            rows = preview(session)
    for row in rows:
        print(line(row))
    print(f"{len(rows)} row(s) {'done' if apply else 'for the next run (nothing changed; --apply to run)'}")
    return 0
