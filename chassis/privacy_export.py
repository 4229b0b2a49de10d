"""A person's data export (Québec Law 25): what every service does alike to give its part.

Two events ask for an export: ``auth.data_export_requested`` (a person, from their profile) and
``cards.participant_export_requested`` (ASSTSAS staff, for a trainee without an account). Every service
that holds personal data consumes both (``export_handlers`` below, merged into its ``HANDLERS``) and answers
with its part, ``<service>.data_export_part``: the files made from the rows its ``collect`` function
selected for the subject, in JSON and in CSV. A service that knows nothing of the subject still answers
(a part without files), so the notifier, which assembles the ZIP, knows every expected part is in.

A service writes only its query (``collect(session, subject) -> {table: [row, ...]}``); the files, their
names and the event are made here. The parts carry personal data: their outbox rows are ``sensitive``
(deleted once published) and they never reach a webhook.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from chassis.bus.handlers import HandlerTable
from chassis.bus.outbox import record_event
from chassis.config import env, env_int
from chassis.csv_cells import csv_text
from chassis.events.envelope import Envelope

ACCOUNT_EXPORT_REQUESTED = "auth.data_export_requested"
PARTICIPANT_EXPORT_REQUESTED = "cards.participant_export_requested"
REQUEST_TYPES = (ACCOUNT_EXPORT_REQUESTED, PARTICIPANT_EXPORT_REQUESTED)
PART_SUFFIX = ".data_export_part"
ACCOUNT, PARTICIPANT = "account", "participant"

# The services whose part an export waits for (DATA_EXPORT_PARTS), the one list every service reads.
DEFAULT_PARTS = "auth,cards,billing,productions,notifier"
JSON_TYPE, CSV_TYPE = "application/json", "text/csv"


def expected_parts() -> list[str]:
    return [name.strip() for name in env("DATA_EXPORT_PARTS", DEFAULT_PARTS).split(",") if name.strip()]


def link_hours() -> int:
    """How long the emailed download link works (DATA_EXPORT_LINK_HOURS, 24)."""
    return env_int("DATA_EXPORT_LINK_HOURS", 24)


def request_interval_minutes() -> int:
    """A person may ask for one export in this many minutes (DATA_EXPORT_INTERVAL_MINUTES, 10): the
    assembled ZIP is emailed within a minute, so a second request meanwhile is a mistake or an abuse."""
    return env_int("DATA_EXPORT_INTERVAL_MINUTES", 10)


def part_event_type(service: str) -> str:
    return f"{service}{PART_SUFFIX}"


def is_export_event(event_type: str) -> bool:
    """Requests and parts: they carry personal data, so no webhook ever receives them."""
    return event_type in REQUEST_TYPES or event_type.endswith(PART_SUFFIX)


@dataclass(frozen=True)
class Subject:
    """Whose data: an account (``user_id``, its email and names) or a trainee without an account (names,
    birth date and the participant rows staff picked, the same person across requests)."""
    kind: str
    user_id: str | None = None
    email: str | None = None
    username: str | None = None
    first_name: str = ""
    last_name: str = ""
    birth_date: str | None = None
    participant_ids: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_payload(cls, payload: dict) -> Subject:
        return cls(kind=payload["kind"], user_id=payload.get("user_id"), email=payload.get("email"),
                   username=payload.get("username"), first_name=payload.get("first_name") or "",
                   last_name=payload.get("last_name") or "", birth_date=payload.get("birth_date"),
                   participant_ids=tuple(payload.get("participant_ids") or ()))

    @property
    def is_account(self) -> bool:
        return self.kind == ACCOUNT and bool(self.user_id)


Rows = list[dict]
Collect = Callable[[Session, Subject], dict[str, Rows]]


def plain(value):
    """A value as JSON writes it: dates in ISO 8601, money as its exact decimal string."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def json_file(stem: str, rows: Rows) -> dict:
    content = json.dumps([plain(row) for row in rows], ensure_ascii=False, indent=2, sort_keys=False)
    return {"name": f"{stem}.json", "media_type": JSON_TYPE, "content": content}


def csv_file(stem: str, rows: Rows) -> dict:
    """One row per item, the columns in the order of the first row (then any other key, as met)."""
    columns: list[str] = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    content = csv_text([columns, *([plain(row.get(column)) for column in columns] for row in rows)])
    return {"name": f"{stem}.csv", "media_type": CSV_TYPE, "content": content}


def part_files(tables: dict[str, Rows]) -> list[dict]:
    """Each non-empty table as ``<table>.json`` and ``<table>.csv``; an empty table gives no file."""
    files: list[dict] = []
    for stem, rows in tables.items():
        if rows:
            files += [json_file(stem, rows), csv_file(stem, rows)]
    return files


def export_handlers(service: str, collect: Collect) -> HandlerTable:
    """The two request types -> a handler that emits ``<service>.data_export_part`` with what ``collect``
    found (inside the consumer's transaction, through the outbox: the part commits with the inbox row)."""

    def give_part(session: Session, event: Envelope) -> None:
        subject = Subject.from_payload(event.payload["subject"])
        files = part_files(collect(session, subject))
        record_event(session, service, part_event_type(service),
                     {"export_id": event.payload["export_id"], "service": service, "files": files}, sensitive=True)

    give_part.__name__ = f"{service}_data_export_part"
    return {event_type: give_part for event_type in REQUEST_TYPES}
