"""``chassis.periods``: months on Montréal's calendar, and the one SQL month bucket that counts the same on
PostgreSQL and on SQLite (the embedded platform's database)."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from marshmallow import ValidationError
from sqlalchemy import Column, Date, DateTime, Integer, MetaData, Table, create_engine, func, insert, select

from chassis.period_schema import PeriodArgs
from chassis.periods import Period, add_months, months_between, montreal_midnight_utc
from tests.infra import fresh_database

ROWS = [  # (moment in UTC, calendar day): which Montréal month each falls in is in MONTHS
    (datetime(2024, 1, 1, 4, 59, tzinfo=UTC), date(2023, 12, 31)),   # Dec 31, 23:59 in Montréal (UTC-5)
    (datetime(2024, 1, 1, 5, 0, tzinfo=UTC), date(2024, 1, 1)),      # midnight in Montréal: January
    (datetime(2024, 2, 1, 3, 0, tzinfo=UTC), date(2024, 1, 31)),     # January 31, 22:00
    (datetime(2024, 2, 29, 12, 0, tzinfo=UTC), date(2024, 2, 29)),
    (datetime(2024, 4, 1, 3, 59, tzinfo=UTC), date(2024, 3, 31)),    # March 31, 23:59 (UTC-4 since March 10)
    (datetime(2024, 4, 1, 4, 0, tzinfo=UTC), date(2024, 4, 1)),      # April: after the period
]


def test_months_and_their_montreal_midnights():
    assert add_months(date(2024, 11, 1), 3) == date(2025, 2, 1)
    assert add_months(date(2024, 1, 1), -1) == date(2023, 12, 1)
    assert months_between(date(2023, 11, 1), date(2024, 2, 1)) == 4
    assert montreal_midnight_utc(date(2024, 3, 1)) == datetime(2024, 3, 1, 5, tzinfo=UTC)    # EST
    assert montreal_midnight_utc(date(2024, 4, 1)) == datetime(2024, 4, 1, 4, tzinfo=UTC)    # EDT
    assert Period(date(2023, 11, 1), date(2024, 2, 1)).months == ["2023-11", "2023-12", "2024-01", "2024-02"]


def test_the_default_period_is_the_last_twelve_months_in_montreal():
    # 2025-01-01 03:00 UTC is still December 31, 2024 in Montréal
    period = Period.default(datetime(2025, 1, 1, 3, tzinfo=UTC))
    assert (period.first, period.last) == (date(2024, 1, 1), date(2024, 12, 1))


@pytest.mark.parametrize("query, period", [
    ({"from": "2024-03", "to": "2024-03"}, ("2024-03", "2024-03")),
    ({"to": "2024-06"}, ("2023-07", "2024-06")),
    ({"from": "2021-02", "to": "2024-01"}, ("2021-02", "2024-01")),
])
def test_the_query_string_gives_a_period(query, period):
    loaded = PeriodArgs().load(query)["period"]
    assert (loaded.as_dict()["from"], loaded.as_dict()["to"]) == period


@pytest.mark.parametrize("query, field", [({"from": "2024-04", "to": "2024-03"}, "from"),
                                          ({"from": "2021-01", "to": "2024-01"}, "to"),
                                          ({"from": "2024-3"}, "from"), ({"to": "2100-01"}, "to"),
                                          ({"from": 202403}, "from")])
def test_a_wrong_query_string_names_its_field(query, field):
    with pytest.raises(ValidationError) as raised:
        PeriodArgs().load(query)
    assert list(raised.value.messages) == [field]


def _counts(url: str) -> tuple[dict, dict]:
    engine = create_engine(url)
    metadata = MetaData()
    table = Table("period_rows", metadata, Column("id", Integer, primary_key=True),
                  Column("moment", DateTime(timezone=True)), Column("day", Date))
    metadata.create_all(engine)
    period = Period(date(2024, 1, 1), date(2024, 3, 1))
    try:
        with engine.begin() as connection:
            connection.execute(insert(table), [{"moment": moment, "day": day} for moment, day in ROWS])
            by_moment = select(period.month_bucket(table.c.moment).label("month")).where(
                period.contains(table.c.moment)).subquery()
            by_day = select(period.month_bucket(table.c.day, dates=True).label("month")).where(
                period.contains(table.c.day, dates=True)).subquery()
            return (dict(connection.execute(select(by_moment.c.month, func.count()).group_by(by_moment.c.month))
                         .all()),
                    dict(connection.execute(select(by_day.c.month, func.count()).group_by(by_day.c.month)).all()))
    finally:
        metadata.drop_all(engine)
        engine.dispose()


MONTHS = {"2024-01": 2, "2024-02": 1, "2024-03": 1}


def test_the_month_bucket_counts_montreal_months_on_postgresql():
    assert _counts(fresh_database("periods")) == (MONTHS, MONTHS)


def test_the_month_bucket_counts_the_same_months_on_sqlite(tmp_path):
    assert _counts(f"sqlite:///{tmp_path / 'periods.db'}") == (MONTHS, MONTHS)
