"""The response of ``GET /stats`` (billing's figures on the ASSTSAS back office's dashboard)."""
from __future__ import annotations

from marshmallow import Schema, fields

from chassis.period_schema import PeriodOut
from services.billing.api.fields import money_output


def money(**metadata):
    """Money as the contract writes it (``"12.50"``), documented as the string it is."""
    return money_output(metadata={"type": "string", "example": "12.50", **metadata})


class AgeOutput(Schema):
    age = fields.String(metadata={"description": "0-30 | 31-60 | 61-90 | over_90 (days since the invoice)"})
    min_days = fields.Integer()
    max_days = fields.Integer(allow_none=True)
    invoices = fields.Integer()
    balance = money()


class OpenBalanceOutput(Schema):
    as_of = fields.Date(metadata={"description": "today in Montréal"})
    invoices = fields.Integer()
    balance = money()
    by_age = fields.List(fields.Nested(AgeOutput))


class MethodOutput(Schema):
    method = fields.String(metadata={"description": "credit_card | cheque | direct_deposit"})
    payments = fields.Integer()
    amount = money()


class PaymentMonthOutput(Schema):
    month = fields.String(metadata={"example": "2025-03"})
    methods = fields.List(fields.Nested(MethodOutput))
    payments = fields.Integer()
    amount = money()


class PaymentsOutput(Schema):
    by_month = fields.List(fields.Nested(PaymentMonthOutput), metadata={"description": "by date received"})
    by_method = fields.List(fields.Nested(MethodOutput))


class BillingStatsOutput(Schema):
    period = fields.Nested(PeriodOut)
    open_balance = fields.Nested(OpenBalanceOutput)
    payments = fields.Nested(PaymentsOutput)
