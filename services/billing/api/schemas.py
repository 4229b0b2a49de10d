"""Request and response schemas of the billing API (the contract in ../shared/api.md "Billing")."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from chassis.i18n import N_, _
from chassis.page_schema import page_of, page_query
from chassis.response_schemas import AuditEntryFields, PostalAddressFields
from services.billing.api.fields import MoneyInput, Trimmed, money_output
from services.billing.domain.cards import is_expired, luhn_valid, normalize_number
from services.billing.domain.numbering import NUMBER_PATTERN
from services.billing.operations.clock import montreal_today

INVOICE_NUMBER = validate.Regexp(NUMBER_PATTERN, error=N_("Numéro de facture attendu : AAAA-NNNNNN."))
STAFF_METHODS = ("cheque", "direct_deposit")


PageQuery = page_query("PageQuery", default=20, most=100)


class InvoiceQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(["open", "paid", "void"]))
    session_id = Trimmed(validate=validate.Length(min=1, max=64))
    number = Trimmed(validate=INVOICE_NUMBER)
    refund_due = fields.Boolean(metadata={"description": "Staff: only invoices with money owed back."})


class AuditQuery(PageQuery):
    invoice_id = Trimmed(validate=validate.Length(min=1, max=36))
    payment_id = Trimmed(validate=validate.Length(min=1, max=36))
    actor_id = Trimmed(validate=validate.Length(min=1, max=64))
    action = Trimmed(validate=validate.Length(min=1, max=40))


class PaymentQuery(PageQuery):
    method = fields.String(validate=validate.OneOf(["credit_card", "cheque", "direct_deposit"]))
    reference = Trimmed(validate=validate.Length(min=1, max=100))


# ----- input ---------------------------------------------------------------------------------

class CardInput(Schema):
    """Card data: used for the one charge, never stored, logged nor sent on."""
    number = fields.String(required=True, validate=validate.Length(min=1, max=30),
                           metadata={"example": "4242 4242 4242 4242"})
    exp_month = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=12))
    exp_year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2000, max=2100))
    cvc = fields.String(required=True, validate=validate.Regexp(
        r"^\d{3,4}$", error=N_("Le CVC compte 3 ou 4 chiffres.")))
    holder = Trimmed(required=True, validate=validate.Length(min=1, max=100))

    @validates("number")
    def _luhn(self, value, **_kwargs):
        if not luhn_valid(normalize_number(value)):
            raise ValidationError(_("Numéro de carte invalide."))

    @validates_schema
    def _not_expired(self, data, **_kwargs):
        if "exp_month" in data and "exp_year" in data and is_expired(data["exp_month"], data["exp_year"],
                                                                       montreal_today()):
            raise ValidationError(_("La carte est expirée."), "exp_year")


def _not_in_future(value):
    if value > montreal_today():
        raise ValidationError(_("La date ne peut pas être dans le futur."))


class InvoicePaymentInput(Schema):
    """Payer: `{method: "credit_card", card}` with an `Idempotency-Key` header; the whole balance is
    charged. Staff: `{method: "cheque"|"direct_deposit", amount, reference, received_on?}`."""
    method = fields.String(required=True, validate=validate.OneOf(["credit_card", "cheque", "direct_deposit"]))
    card = fields.Nested(CardInput)
    amount = MoneyInput(metadata={"type": "string", "example": "24.00"})
    reference = Trimmed(validate=validate.Length(min=1, max=100),
                        metadata={"description": "Cheque number or deposit reference."})
    received_on = fields.Date(validate=_not_in_future,
                              metadata={"description": "Date received (default: today, America/Montreal)."})

    @validates_schema
    def _by_method(self, data, **_kwargs):
        errors: dict[str, list[str]] = {}
        required = _("Champ requis pour ce mode de paiement.")
        forbidden = _("Champ non permis pour ce mode de paiement.")
        if data.get("method") == "credit_card":
            if "card" not in data:
                errors["card"] = [required]
            for name in ("amount", "reference", "received_on"):
                if name in data:
                    errors[name] = [forbidden]
        elif data.get("method") in STAFF_METHODS:
            for name in ("amount", "reference"):
                if name not in data:
                    errors[name] = [required]
            if "card" in data:
                errors["card"] = [forbidden]
        if errors:
            raise ValidationError(errors)


class AllocationInput(Schema):
    invoice_number = Trimmed(required=True, validate=INVOICE_NUMBER, metadata={"example": "2026-000123"})
    amount = MoneyInput(required=True, metadata={"type": "string", "example": "24.00"})


class StaffPaymentInput(Schema):
    """One cheque or deposit settling one or more invoices: `amount` must equal the sum of the
    allocations, each allocation at most the invoice's balance (no overpayment)."""
    method = fields.String(required=True, validate=validate.OneOf(STAFF_METHODS))
    amount = MoneyInput(required=True, metadata={"type": "string", "example": "48.00"})
    reference = Trimmed(required=True, validate=validate.Length(min=1, max=100))
    received_on = fields.Date(validate=_not_in_future)
    allocations = fields.List(fields.Nested(AllocationInput), required=True,
                              validate=validate.Length(min=1, max=50))

    @validates_schema
    def _allocations_add_up(self, data, **_kwargs):
        allocations = data.get("allocations") or []
        numbers = [a["invoice_number"] for a in allocations]
        if len(set(numbers)) != len(numbers):
            raise ValidationError(_("Une facture figure deux fois."), "allocations")
        if "amount" in data and allocations and sum(a["amount"] for a in allocations) != data["amount"]:
            raise ValidationError(_("Le montant doit égaler la somme des répartitions."), "amount")


# ----- output --------------------------------------------------------------------------------

class LineOutput(Schema):
    description = fields.String()
    quantity = fields.Integer()
    unit_price = money_output()
    amount = money_output()


class BilledToOutput(PostalAddressFields):
    kind = fields.String(metadata={"description": "individual | organization"})
    name = fields.String()
    attention = fields.String(allow_none=True)
    email = fields.String()


class SessionOutput(Schema):
    organization_name = fields.String()
    activity_label = fields.String()
    end_date = fields.Date()


class _PaymentFields(Schema):
    """A payment as recorded, listed on the invoices it settles and shown on its own."""
    id = fields.String()
    method = fields.String()
    reference = fields.String(allow_none=True)
    received_on = fields.Date()
    card_brand = fields.String(allow_none=True)
    card_last4 = fields.String(allow_none=True)


class InvoicePaymentSummary(_PaymentFields):
    amount = money_output(metadata={"description": "Part of the payment applied to this invoice."})


class InvoiceOutput(Schema):
    id = fields.String()
    number = fields.String()
    session_id = fields.String()
    owner_user_id = fields.String()
    issued_at = fields.AwareDateTime()
    lines = fields.List(fields.Nested(LineOutput))
    total = money_output()
    amount_paid = money_output()
    balance = money_output()
    currency = fields.String()
    billed_to = fields.Nested(BilledToOutput)
    payment_method = fields.String()
    status = fields.String(metadata={"description": "open | paid | void"})
    refund_due = money_output(metadata={"description": "Money to give back (session cancelled after payment)."})
    credit_card_allowed = fields.Boolean()
    pay_url = fields.String(allow_none=True)
    session = fields.Nested(SessionOutput)
    paid_at = fields.AwareDateTime(allow_none=True)
    voided_at = fields.AwareDateTime(allow_none=True)
    session_cancelled_at = fields.AwareDateTime(allow_none=True)
    payments = fields.List(fields.Nested(InvoicePaymentSummary))


InvoiceList = page_of(InvoiceOutput, "InvoiceList")


class AllocationOutput(Schema):
    invoice_id = fields.String()
    number = fields.String()
    amount = money_output()
    balance = money_output(metadata={"description": "Balance of the invoice after this payment."})
    status = fields.String()


class PaymentOutput(_PaymentFields):
    amount = money_output()
    currency = fields.String()
    recorded_by = fields.String()
    created_at = fields.AwareDateTime()
    allocations = fields.List(fields.Nested(AllocationOutput))


PaymentList = page_of(PaymentOutput, "PaymentList")


class AuditOutput(AuditEntryFields):
    occurred_at = fields.AwareDateTime()
    invoice_id = fields.String(allow_none=True)
    payment_id = fields.String(allow_none=True)
    note = fields.String(allow_none=True)


AuditList = page_of(AuditOutput, "AuditList")
