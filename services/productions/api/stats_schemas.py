"""The response of ``GET /stats`` (the figures of the AQPM back office's dashboard)."""
from __future__ import annotations

from marshmallow import Schema, fields

from chassis.period_schema import PeriodOut


class MonthOut(Schema):
    month = fields.String(metadata={"example": "2025-03"})
    sheets = fields.Integer(metadata={"description": "production sheets created that month (Montréal time)"})
    handoffs = fields.Integer(metadata={"description": "hand-offs to SET issued that month"})
    active_houses = fields.Integer(metadata={"description": "houses with a new sheet or a hand-off that month"})


class HousesOut(Schema):
    active = fields.Integer(metadata={"description": "houses whose status is active today"})
    inactive = fields.Integer()


class TotalsOut(Schema):
    sheets = fields.Integer()
    handoffs = fields.Integer()
    active_houses = fields.Integer(metadata={"description": "houses with a new sheet or a hand-off in the period"})


class ProductionStatsOut(Schema):
    period = fields.Nested(PeriodOut)
    totals = fields.Nested(TotalsOut)
    by_month = fields.List(fields.Nested(MonthOut))
    houses = fields.Nested(HousesOut)
