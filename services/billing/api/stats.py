"""Figures for ASSTSAS staff (issue 23): open balances by age and payments by method and month, summed by the
database. The ages are as of today, whatever the period: a balance has no history, only its present."""
from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import case, func, select

from chassis.period_schema import figures_endpoint
from chassis.periods import Period, montreal_midnight_utc
from services.billing.api import context
from services.billing.api.stats_schemas import BillingStatsOutput
from services.billing.db.models import Invoice, Payment
from services.billing.domain import figures
from services.billing.operations.clock import montreal_today
from services.billing.operations.payments import STAFF_ROLE

blp = Blueprint("stats", __name__, description="Figures for ASSTSAS staff (issue 23)")


@figures_endpoint(blp, STAFF_ROLE, BillingStatsOutput)
def billing_stats(period: Period):
    """Open balances by age (as of today) and payments received in the period by method and month (Montréal)."""
    today = montreal_today()
    with context.database().reading() as session:
        connection = session.connection()
        ages = {code: figures.Sum(count, amount) for code, count, amount in connection.execute(_open_by_age(today))}
        paid = {(month, method): figures.Sum(count, amount)
                for month, method, count, amount in connection.execute(_payments(period))}
    return {"open_balance": {"as_of": today, **figures.open_balance(ages)},
            "payments": figures.payments(paid, period.months)}


def _open_by_age(today):
    thresholds = figures.age_thresholds(today)
    age = case(*[(Invoice.issued_at >= montreal_midnight_utc(since), code) for code, since in thresholds[:-1]],
               else_=thresholds[-1][0])
    open_invoices = (select(age.label("age"), Invoice.balance)
                     .where(Invoice.status == "open", Invoice.balance > 0).subquery())
    return (select(open_invoices.c.age, func.count(), func.coalesce(func.sum(open_invoices.c.balance), 0))
            .group_by(open_invoices.c.age))


def _payments(period: Period):
    received = (select(period.month_bucket(Payment.received_on, dates=True).label("month"), Payment.method,
                       Payment.amount)
                .where(period.contains(Payment.received_on, dates=True)).subquery())
    return (select(received.c.month, received.c.method, func.count(), func.coalesce(func.sum(received.c.amount), 0))
            .group_by(received.c.month, received.c.method))
