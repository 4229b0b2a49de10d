"""Figures for AQPM staff (issue 23): sheets and hand-offs to SET by month, the houses active in each month and
the houses by status today, counted by the database over the period asked for."""
from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import distinct, func, select, union_all

from chassis.period_schema import figures_endpoint
from chassis.periods import Period
from services.productions.api.context import database
from services.productions.api.stats_schemas import ProductionStatsOut
from services.productions.db.models import Handoff, House, Sheet
from services.productions.domain import figures
from services.productions.domain.access import STAFF

blp = Blueprint("stats", __name__, description="Figures for AQPM staff (issue 23)")


@figures_endpoint(blp, STAFF, ProductionStatsOut)
def production_stats(period: Period):
    """Sheets created and hand-offs to SET by month (Montréal), houses active each month; houses by status today"""
    with database().reading() as session:
        connection = session.connection()
        sheets = dict(connection.execute(_per_month(period, Sheet.created_at)).all())
        handoffs = dict(connection.execute(_per_month(period, Handoff.issued_at)).all())
        activity = _house_activity(period)
        active = dict(connection.execute(select(activity.c.month, func.count(distinct(activity.c.house_id)))
                                         .group_by(activity.c.month)).all())
        active_in_period = connection.scalar(select(func.count(distinct(activity.c.house_id))))
        statuses = dict(connection.execute(select(House.status, func.count()).group_by(House.status)).all())
    return {"totals": {"sheets": sum(sheets.values()), "handoffs": sum(handoffs.values()),
                       "active_houses": active_in_period or 0},
            "by_month": figures.by_month(period.months, sheets, handoffs, active),
            "houses": figures.houses(statuses)}


def _per_month(period: Period, moment):
    rows = select(period.month_bucket(moment).label("month")).where(period.contains(moment)).subquery()
    return select(rows.c.month, func.count()).group_by(rows.c.month)


def _house_activity(period: Period):
    """(month, house) for every sheet created and every hand-off issued in the period."""
    created = (select(period.month_bucket(Sheet.created_at).label("month"), Sheet.house_id)
               .where(period.contains(Sheet.created_at)))
    handed_off = (select(period.month_bucket(Handoff.issued_at).label("month"), Sheet.house_id)
                  .join(Sheet, Sheet.id == Handoff.sheet_id).where(period.contains(Handoff.issued_at)))
    return union_all(created, handed_off).subquery()
