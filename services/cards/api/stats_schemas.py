"""The response of ``GET /stats`` (the figures of the ASSTSAS back office's dashboard)."""
from __future__ import annotations

from marshmallow import fields

from chassis.period_schema import PeriodOut
from services.cards.api.fields import StrictSchema
from services.cards.api.schemas import LabelledCodeOut


class MonthOut(StrictSchema):
    month = fields.String(metadata={"example": "2025-03"})
    requests = fields.Integer(metadata={"description": "requests submitted that month (Montréal time)"})
    cards = fields.Integer(metadata={"description": "cards they ask for (their participants)"})


class ActivityOut(LabelledCodeOut):
    requests = fields.Integer()
    cards = fields.Integer()


class StatusOut(StrictSchema):
    status = fields.String(metadata={"description": "submitted | invoiced | paid | shipped | cancelled"})
    label = fields.String()
    requests = fields.Integer()


class ShipmentOut(StrictSchema):
    median_days = fields.Float(allow_none=True, metadata={
        "description": "median days from submission to shipment, to a tenth; null when none was shipped"})
    shipped = fields.Integer(metadata={"description": "shipped requests the median is taken over"})


class TotalsOut(StrictSchema):
    requests = fields.Integer()
    cards = fields.Integer()


class CardStatsOut(StrictSchema):
    """Requests submitted in the period (whatever they became since), by month of submission, by activity and by
    current status, and how long the shipped ones took."""
    period = fields.Nested(PeriodOut)
    totals = fields.Nested(TotalsOut)
    by_month = fields.List(fields.Nested(MonthOut))
    by_activity = fields.List(fields.Nested(ActivityOut), metadata={"description": "most requested first"})
    by_status = fields.List(fields.Nested(StatusOut))
    shipment = fields.Nested(ShipmentOut)
