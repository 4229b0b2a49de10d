"""Events produced by the billing service."""
from marshmallow import Schema, fields, validate

from chassis.events.catalogue.common import language, money
from chassis.events.registry import event_schema

PAYMENT_METHODS = ["credit_card", "cheque", "direct_deposit"]


@event_schema("billing.invoice_issued", 1)
class InvoiceIssued(Schema):
    """Everything the notifier needs to email the invoice, PDF included (C10)."""
    invoice_id = fields.String(required=True)
    number = fields.String(required=True)
    session_id = fields.String(required=True)
    customer_user_id = fields.String(required=True)
    email = fields.Email(required=True)
    name = fields.String(required=True)
    total = money(required=True)
    balance = money(required=True)
    currency = fields.String(required=True)
    payment_method = fields.String(required=True, validate=validate.OneOf(PAYMENT_METHODS))
    pay_url = fields.String(allow_none=True, load_default=None)
    pdf_base64 = fields.String(required=True)
    language = language()


@event_schema("billing.payment_received", 1)
class PaymentReceived(Schema):
    payment_id = fields.String(required=True)
    invoice_id = fields.String(required=True)
    number = fields.String(required=True)
    session_id = fields.String(required=True)
    customer_user_id = fields.String(required=True)
    email = fields.Email(required=True)
    name = fields.String(required=True)
    method = fields.String(required=True, validate=validate.OneOf(PAYMENT_METHODS))
    amount = money(required=True)
    balance = money(required=True)
    currency = fields.String(required=True)
    language = language()


@event_schema("billing.invoice_paid", 1)
class InvoicePaid(Schema):
    """The balance reached zero: cards moves the session to `paid` (C11)."""
    invoice_id = fields.String(required=True)
    number = fields.String(required=True)
    session_id = fields.String(required=True)


@event_schema("billing.invoice_voided", 1)
class InvoiceVoided(Schema):
    invoice_id = fields.String(required=True)
    number = fields.String(required=True)
    session_id = fields.String(required=True)
    reason = fields.String(allow_none=True, load_default=None)
