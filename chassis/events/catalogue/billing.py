"""Events produced by the billing service.

No billing event ever carries card data: not the number, the CVC, the expiry, nor the last 4.
Money is a string with two decimals; `currency` is "CAD".
"""
from marshmallow import Schema, fields, validate

from chassis.events.catalogue.common import language, money
from chassis.events.registry import event_schema

PAYMENT_METHODS = ["credit_card", "cheque", "direct_deposit"]


def _d(text: str) -> dict:
    return {"description": text}


@event_schema("billing.invoice_issued", 1)
class InvoiceIssued(Schema):
    """An invoice was issued for a submitted session (one per session, numbered `YYYY-NNNNNN`
    without gaps per year). Cards moves the session to `invoiced`; the notifier emails the invoice
    to `email` with the PDF attached (C10: cheque and deposit payers must quote `number`)."""
    invoice_id = fields.String(required=True, metadata=_d("Invoice id (UUID)."))
    number = fields.String(required=True, metadata=_d("Invoice number, e.g. 2026-000123."))
    session_id = fields.String(required=True, metadata=_d("The cards session invoiced."))
    customer_user_id = fields.String(required=True, metadata=_d("The trainer who owns the invoice."))
    email = fields.Email(required=True, metadata=_d("Where to send the invoice (the bill-to email)."))
    name = fields.String(required=True, metadata=_d("Bill-to name (person or organization)."))
    attention = fields.String(allow_none=True, load_default=None, metadata=_d("Bill-to 'à l'attention de'."))
    trainer_email = fields.Email(allow_none=True, load_default=None,
                                 metadata=_d("The trainer's email, when a copy is wanted."))
    total = money(required=True)
    balance = money(required=True)
    currency = fields.String(required=True)
    payment_method = fields.String(required=True, validate=validate.OneOf(PAYMENT_METHODS))
    pay_url = fields.String(allow_none=True, load_default=None,
                            metadata=_d("Pay link, for open credit-card invoices only: the web's invoice page "
                                        "(BILLING_PAY_URL_TEMPLATE)."))
    bank_details = fields.List(fields.String(), allow_none=True, load_default=None,
                               metadata=_d("Direct-deposit invoices: the account to pay into, one line each, as "
                                           "the PDF prints it (BILLING_BANK_DETAILS); null otherwise."))
    cheque_payable_to = fields.String(allow_none=True, load_default=None,
                                      metadata=_d("Cheque invoices: whom the cheque is made out to, as the PDF "
                                                  "prints it (the seller); null otherwise."))
    cheque_address = fields.List(fields.String(), allow_none=True, load_default=None,
                                 metadata=_d("Cheque invoices: where to mail the cheque, one line each, as the PDF "
                                             "prints it (the seller's address); null otherwise."))
    issued_on = fields.Date(allow_none=True, load_default=None, metadata=_d("Issue date (America/Montreal)."))
    pdf_filename = fields.String(allow_none=True, load_default=None, metadata=_d("e.g. facture-2026-000123.pdf"))
    pdf_base64 = fields.String(required=True, metadata=_d("The invoice PDF, base64 (about 5 KB (6.4 KB base64))."))
    language = language()


@event_schema("billing.payment_received", 1)
class PaymentReceived(Schema):
    """A payment was applied to one invoice (a cheque split over several invoices gives one event
    per invoice, all with the same `payment_id`; `amount` is the part applied to this invoice)."""
    payment_id = fields.String(required=True)
    invoice_id = fields.String(required=True)
    number = fields.String(required=True)
    session_id = fields.String(required=True)
    customer_user_id = fields.String(required=True)
    email = fields.Email(required=True)
    name = fields.String(required=True)
    method = fields.String(required=True, validate=validate.OneOf(PAYMENT_METHODS))
    amount = money(required=True, metadata=_d("Amount applied to this invoice."))
    balance = money(required=True, metadata=_d("Balance left on this invoice."))
    currency = fields.String(required=True)
    reference = fields.String(allow_none=True, load_default=None,
                              metadata=_d("Cheque number or deposit reference (staff payments)."))
    received_on = fields.Date(allow_none=True, load_default=None, metadata=_d("Date the money was received."))
    language = language()


@event_schema("billing.invoice_paid", 1)
class InvoicePaid(Schema):
    """The balance reached zero: cards moves the session to `paid` (C11)."""
    invoice_id = fields.String(required=True)
    number = fields.String(required=True)
    session_id = fields.String(required=True)
    customer_user_id = fields.String(allow_none=True, load_default=None)
    paid_at = fields.AwareDateTime(allow_none=True, load_default=None)


@event_schema("billing.invoice_voided", 1)
class InvoiceVoided(Schema):
    """The session was cancelled while the invoice was open: nothing more is owed. A paid invoice
    is never voided; it is recorded for a refund instead (visible in `GET /invoices?refund_due=true`)."""
    invoice_id = fields.String(required=True)
    number = fields.String(required=True)
    session_id = fields.String(required=True)
    reason = fields.String(allow_none=True, load_default=None)
    customer_user_id = fields.String(allow_none=True, load_default=None)
    refund_due = money(load_default="0.00", metadata=_d("Money received on a partly paid invoice, owed back."))
