"""The user directory (``GET /users``): a type-ahead for staff and for production house
administrators, nobody else (issue 17, item 1).

- Who finds whom: ASSTSAS staff find ASSTSAS people (trainers, ASSTSAS staff); AQPM staff and house
  administrators find AQPM people (members, AQPM staff).
- What they see: staff the full email of their own portal's people; house administrators a masked
  one (``m•••@example.org``), enough to tell two namesakes apart.
- How much: at most 10 per request (no paging), ``q`` of 2 characters or more, and a number of
  requests per caller and minute (``AUTH_DIRECTORY_REQUESTS_PER_MINUTE``, 60): a type-ahead, not a
  way to list every account.
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import case, exists, literal, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from chassis.i18n import N_
from chassis.principal import Principal
from services.auth.db.models import DirectoryRequestWindow, KnownHouseAdmin, User
from services.auth.db.types import UtcDateTime
from services.auth.domain.portals import AQPM, DirectoryView, roles_of, staff_portals
from services.auth.operations.users import search_users

MIN_QUERY_LENGTH = 2
MAX_RESULTS = 10
WINDOW = timedelta(minutes=1)
RESERVED = N_("L'annuaire est réservé au personnel et aux administrateurs de maisons de production.")


def administers_a_house(session: Session, user_id: str) -> bool:
    return bool(session.scalar(select(exists().where(KnownHouseAdmin.user_id == user_id,
                                                     KnownHouseAdmin.is_admin.is_(True)))))


def view_for(session: Session, caller: Principal) -> DirectoryView | None:
    """What ``caller`` may find in the directory; None for anyone neither staff nor house administrator."""
    staff = frozenset(staff_portals(caller.roles))
    findable = set(staff)
    if AQPM not in findable and administers_a_house(session, caller.user_id):
        findable.add(AQPM)
    return DirectoryView(frozenset(findable), staff) if findable else None


def find(session: Session, view: DirectoryView, query: str, limit: int) -> list[User]:
    found, _total = search_users(session, query, min(limit, MAX_RESULTS), 0, roles=roles_of(view.findable))
    return found


def count_request(session: Session, user_id: str, now: datetime, per_minute: int) -> int | None:
    """Counts one request of ``user_id`` in its current one-minute window (one statement, so
    concurrent workers count exactly); the seconds to wait when over ``per_minute``, else None."""
    table = DirectoryRequestWindow.__table__
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    moment = literal(now, UtcDateTime())
    expired = table.c.window_started_at <= literal(now - WINDOW, UtcDateTime())
    statement = (insert(table).values(user_id=user_id, window_started_at=now, requests=1)
                 .on_conflict_do_update(index_elements=[table.c.user_id], set_={
                     "window_started_at": case((expired, moment), else_=table.c.window_started_at),
                     "requests": case((expired, 1), else_=table.c.requests + 1)})
                 .returning(table.c.window_started_at, table.c.requests))
    started_at, requests = session.execute(statement).one()
    if requests <= per_minute:
        return None
    return max(1, math.ceil((started_at + WINDOW - now).total_seconds()))
