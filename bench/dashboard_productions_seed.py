"""A year of AQPM production sheets for the staff dashboards' benchmark, written in bulk into the productions database.

The rows the productions service writes when staff create houses and members create sheets and go on to SET:
houses (a few inactive), sheets created at moments spread over the last 12 months, and for most sheets one or more
hand-offs to SET (``operations.handoffs``: issued some days after the sheet, valid ``PRODUCTIONS_HANDOFF_TTL_SECONDS``,
used at once). ``SeededProductions`` says what the AQPM dashboard must then show, computed here from the rows.
"""
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import create_engine, insert

from chassis.periods import Period, montreal_midnight_utc
from services.productions.config import DEFAULT_HANDOFF_TTL_SECONDS
from services.productions.db.models import Handoff, House, Sheet
from services.productions.domain.handoff import expiry
from services.productions.domain.names import comparison_key

HOUSES, INACTIVE_HOUSES = 80, 8
STAFF_ID = "staff-bench"


@dataclass
class SeededProductions:
    sheets: int = 0
    handoffs: int = 0
    houses: dict[str, int] = field(default_factory=lambda: {"active": 0, "inactive": 0})
    active_houses: set[str] = field(default_factory=set)  # with a sheet created or a hand-off in the period


def seed_productions(url: str, count: int, rng_seed: int = 23) -> SeededProductions:
    """``count`` sheets of ``HOUSES`` houses into the productions database at ``url`` (a SQLAlchemy URL)."""
    rng, seeded = random.Random(rng_seed), SeededProductions()
    start = montreal_midnight_utc(Period.default().month_starts[0])
    now = datetime.now(start.tzinfo) - timedelta(minutes=5)
    houses = [{"id": str(uuid.uuid4()), "name": f"Productions Bench {index}",
               "name_key": comparison_key(f"Productions Bench {index}"),
               "status": "inactive" if index < INACTIVE_HOUSES else "active",
               "created_at": start - timedelta(days=30), "created_by": STAFF_ID} for index in range(HOUSES)]
    for house in houses:
        seeded.houses[house["status"]] += 1
    sheets, handoffs = [], []
    for index in range(count):
        house = rng.choice(houses)
        created = start + (now - start) * rng.random()
        sheet_id = str(uuid.uuid4())
        sheets.append({"id": sheet_id, "house_id": house["id"], "title": f"Tournage {index}", "producer_id": None,
                       "production_type": "fiction", "shooting_start": (created + timedelta(days=20)).date(),
                       "shooting_end": (created + timedelta(days=40)).date(), "location": "Montréal",
                       "union_agreements": [], "description": None, "created_at": created, "created_by": STAFF_ID,
                       "updated_at": created})
        seeded.active_houses.add(house["id"])
        for _ in range(rng.choice((0, 1, 1, 1, 2))):
            issued = min(now, created + timedelta(days=rng.randint(0, 30), hours=rng.random() * 8))
            handoffs.append({"jti": uuid.uuid4().hex, "sheet_id": sheet_id, "user_id": str(uuid.uuid4()),
                             "issued_at": issued, "expires_at": expiry(issued, DEFAULT_HANDOFF_TTL_SECONDS),
                             "used_at": issued + timedelta(seconds=3)})
    seeded.sheets, seeded.handoffs = len(sheets), len(handoffs)
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            for model, rows in ((House, houses), (Sheet, sheets), (Handoff, handoffs)):
                if rows:
                    connection.execute(insert(model.__table__), rows)
    finally:
        engine.dispose()
    return seeded
