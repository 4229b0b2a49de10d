"""Figures for ASSTSAS staff (issue 23): requests and cards by month of submission, by activity, by status,
and the median time from submission to shipment, counted by the database over the period asked for."""
from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import func, select

from chassis.i18n import _
from chassis.period_schema import figures_endpoint
from chassis.periods import Period, days_between
from services.cards.api.access import STAFF, participant_count_of_row
from services.cards.api.context import database
from services.cards.api.stats_schemas import CardStatsOut
from services.cards.db.models import Activity, CardSession
from services.cards.domain import figures, statuses

blp = Blueprint("stats", __name__, description="Figures for ASSTSAS staff (issue 23)")


@figures_endpoint(blp, STAFF, CardStatsOut)
def card_stats(period: Period):
    """Requests submitted in the period: by month (Montréal), by activity, by status; median days to shipment"""
    with database().reading() as db_session:
        connection = db_session.connection()
        groups = [figures.Group(*row) for row in connection.execute(_groups(period))]
        labels = {code: (label, label_en) for code, label, label_en in connection.execute(
            select(Activity.code, Activity.label, Activity.label_en)
            .where(Activity.code.in_({group.activity_code for group in groups})))} if groups else {}
        durations = [days_between(submitted, shipped) for submitted, shipped in connection.execute(
            select(CardSession.submitted_at, CardSession.shipped_at)
            .where(period.contains(CardSession.submitted_at), CardSession.shipped_at.is_not(None)))]
    return {
        "totals": {"requests": sum(g.requests for g in groups), "cards": sum(g.cards for g in groups)},
        "by_month": figures.by_month(groups, period.months),
        "by_activity": figures.by_activity(groups, labels),
        "by_status": [{**row, "label": _(statuses.LABELS[row["status"]])} for row in figures.by_status(groups)],
        "shipment": {"median_days": figures.median_days(durations), "shipped": len(durations)},
    }


def _groups(period: Period):
    """(month, activity, status, requests, cards) of the requests submitted in the period."""
    submitted = (select(period.month_bucket(CardSession.submitted_at).label("month"),
                        CardSession.activity_code, CardSession.status,
                        participant_count_of_row().label("cards"))
                 .where(period.contains(CardSession.submitted_at))
                 .subquery())
    return (select(submitted.c.month, submitted.c.activity_code, submitted.c.status,
                   func.count().label("requests"), func.coalesce(func.sum(submitted.c.cards), 0).label("cards"))
            .group_by(submitted.c.month, submitted.c.activity_code, submitted.c.status))
